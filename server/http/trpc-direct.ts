import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveFetchHandler } from './node-fetch-bridge';
import { guardTrpc, trpcGuardOptions } from './trpc-guard';
import { handleTrpc } from './trpc-handler';
import type { Services } from '../services';

/**
 * /api/trpc/ served by scripts/serve.ts itself instead of through Next (issue 23): the same guard
 * (origin check, batch cap, no-store, security headers) and the same handler (503 + Retry-After,
 * request id, log line) as app/api/trpc/[trpc]/route.ts, which stays for `next dev` and for
 * DASHBOARD_TRPC_VIA_NEXT=1. What it skips is Next's per-request work on a JSON call: route
 * matching, the app-route module's request proxy and render store, and its response piping.
 *
 * Process-wide state (pools, session cache, bulkheads, read-your-writes, the live feed) is kept on
 * globalThis, so this copy of server/ shares it with the copies Next bundled for the pages.
 */
export function isDirectTrpcRequest(method: string | undefined, url: string | undefined): boolean {
  return (method === 'GET' || method === 'POST') && !!url && url.startsWith('/api/trpc/');
}

/** `services` and `guard` for tests; the server uses the process's (server/services.ts, server/env.ts). */
export function createDirectTrpcHandler(
  options: { services?: Services; guard?: typeof trpcGuardOptions; log?: boolean } = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const guarded = guardTrpc(
    (request) => handleTrpc(request, { services: options.services, log: options.log }),
    options.guard ?? trpcGuardOptions,
  );
  return (req, res) => serveFetchHandler(req, res, guarded);
}
