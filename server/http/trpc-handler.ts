import type { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '../root';
import { RETRY_AFTER_SECONDS } from '../runtime/busy';
import { logRequest, requestId } from '../runtime/request-log';
import type { Services } from '../services';
import { createContext, type RequestMeta } from '../trpc';

/**
 * The tRPC HTTP handler: app/api/trpc/[trpc]/route.ts serves it, and the test harness calls the
 * same function, so the 503 + Retry-After, the request id and the log line are what tests see.
 */
export async function handleTrpc(req: Request, options: { services?: Services; log?: boolean } = {}): Promise<Response> {
  const started = performance.now();
  const id = requestId(req.headers);
  const meta: RequestMeta = { role: 'anonymous', node: 'primary' };
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers, services: options.services, meta }),
    responseMeta: ({ errors }) => ({ headers: new Headers(trpcResponseHeaders(id, errors)) }),
    onError: ({ error, path }) => reportTrpcError(id, path, error),
  });
  if (options.log !== false) {
    logRequest({
      requestId: id,
      route: new URL(req.url).pathname.replace(/^\/api\/trpc\//, ''),
      method: req.method,
      role: meta.role,
      status: res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      dbNode: meta.node,
    });
  }
  return res;
}

/** The headers every tRPC answer carries beyond tRPC's own (also server/http/trpc-queries.ts). */
export function trpcResponseHeaders(id: string, errors: readonly TRPCError[]): [string, string][] {
  const headers: [string, string][] = [['x-request-id', id]];
  // A busy database (lock, statement timeout, pool, bulkhead) answers 503: say when to retry.
  if (errors.some((e) => e.code === 'SERVICE_UNAVAILABLE')) headers.push(['retry-after', String(RETRY_AFTER_SECONDS)]);
  return headers;
}

/** An unexpected error goes to the log with its cause; the browser gets a plain sentence (server/trpc.ts). */
export function reportTrpcError(id: string, path: string | undefined, error: TRPCError): void {
  if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${id} ${path ?? '?'}:`, error.cause ?? error);
}
