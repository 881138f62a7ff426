import { TRPC_MAX_BATCH } from '@/lib/contract/trpc-limits';
import { env } from '../env';
import { cameOverHttps, setApiSecurityHeaders } from './security-headers';

/**
 * The checks the tRPC HTTP endpoint makes before any procedure runs, kept apart from the route so
 * the route file stays a thin adapter (issue 15 adds its own 503 mapping and logs there).
 *
 * - Mutations (POST) need an Origin on the allow-list: a browser always sends Origin on a POST, so
 *   a missing one is a script, and a foreign one is another site riding the session cookie. The
 *   list is the auth library's: BETTER_AUTH_URL plus TRUSTED_ORIGINS.
 * - A batch carries at most TRPC_MAX_BATCH calls: one request must not fan out into hundreds of
 *   database transactions (the client link is capped to the same number).
 * - Authenticated JSON is never stored by a browser or shared cache.
 * - Every answer carries the API's security headers: proxy.ts does not run on this path.
 */
export { TRPC_MAX_BATCH };

export interface TrpcGuardOptions {
  /** Origins allowed to send mutations, e.g. ["https://dash.example.com"]. */
  allowedOrigins: readonly string[];
  maxBatch?: number;
}

/** A refusal to send instead of running the request, or null to go on. */
export function refuseTrpcRequest(req: Request, options: TrpcGuardOptions): Response | null {
  const maxBatch = options.maxBatch ?? TRPC_MAX_BATCH;
  const url = new URL(req.url);
  if (url.searchParams.get('batch') === '1') {
    const path = url.pathname.replace(/^.*\/api\/trpc\/?/, '');
    const calls = path.length === 0 ? 0 : decodeURIComponent(path).split(',').length;
    if (calls > maxBatch) {
      return trpcErrorResponse(400, 'BAD_REQUEST', `A batch may carry at most ${maxBatch} calls; this one has ${calls}. Split it.`);
    }
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const origin = req.headers.get('origin');
    if (!origin)
      return trpcErrorResponse(403, 'FORBIDDEN', 'This request has no Origin header; changes are accepted only from the dashboard itself.');
    if (!options.allowedOrigins.includes(origin)) {
      return trpcErrorResponse(
        403,
        'FORBIDDEN',
        `Changes are not accepted from ${origin.slice(0, 200)}; only from the dashboard's own address.`,
      );
    }
  }
  return null;
}

/**
 * Wraps the route's handler: refusals first, then `no-store` and the security headers on whatever
 * is answered. Options are resolved per request so `next build` needs no environment.
 */
export function guardTrpc(handler: (req: Request) => Promise<Response>, options: () => TrpcGuardOptions) {
  return async (req: Request): Promise<Response> => {
    const res = refuseTrpcRequest(req, options()) ?? (await handler(req));
    return withApiHeaders(res, cameOverHttps(req.headers, req.url));
  };
}

/**
 * `no-store` on every answer (they carry a signed-in user's data, or errors about it), and the
 * API's security headers (server/http/security-headers.ts).
 */
export function withApiHeaders(res: Response, https: boolean): Response {
  res.headers.set('cache-control', 'no-store');
  setApiSecurityHeaders(res.headers, https);
  return res;
}

/** The configured origins: BETTER_AUTH_URL's and each of TRUSTED_ORIGINS (comma-separated). */
export function allowedOriginsFrom(baseURL: string, trusted: string | undefined): string[] {
  const list = [new URL(baseURL).origin];
  for (const item of (trusted ?? '').split(',')) {
    const s = item.trim();
    if (!s) continue;
    try {
      list.push(new URL(s).origin);
    } catch {
      // ignored: env.ts refuses malformed entries at start
    }
  }
  return [...new Set(list)];
}

const JSON_RPC_CODES = { BAD_REQUEST: -32600, FORBIDDEN: -32003, INTERNAL_SERVER_ERROR: -32603 } as const;

/**
 * The same shape tRPC gives its own errors (superjson-encoded), so the client's error handling and
 * the message shown to a person work unchanged. Also the direct path's own refusals
 * (server/http/node-fetch-bridge.ts).
 */
export function trpcErrorResponse(status: 400 | 403 | 500, code: keyof typeof JSON_RPC_CODES, message: string): Response {
  const error = { json: { message, code: JSON_RPC_CODES[code], data: { code, httpStatus: status } } };
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

/** The running server's options, from the environment (server/env.ts). */
export function trpcGuardOptions(): TrpcGuardOptions {
  const e = env();
  return { allowedOrigins: allowedOriginsFrom(e.BETTER_AUTH_URL, e.TRUSTED_ORIGINS) };
}
