import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveFetchHandler } from './node-fetch-bridge';
import { guardTrpc, TRPC_MAX_BATCH, trpcGuardOptions } from './trpc-guard';
import { handleTrpc } from './trpc-handler';
import { planQueries, serveQueries } from './trpc-queries';
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

/**
 * `services` and `guard` for tests; the server uses the process's (server/services.ts, server/env.ts).
 * `queriesViaFetch`: answer reads through tRPC's fetch adapter too (the reference in tests).
 */
export function createDirectTrpcHandler(
  options: { services?: Services; guard?: typeof trpcGuardOptions; log?: boolean; queriesViaFetch?: boolean } = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const guardOptions = options.guard ?? trpcGuardOptions;
  const guarded = guardTrpc((request) => handleTrpc(request, { services: options.services, log: options.log }), guardOptions);
  const served = { services: options.services, log: options.log };
  // The guard's options are read per request (the environment's); only a test's may change the cap.
  const maxBatch = () => (options.guard ? (options.guard().maxBatch ?? TRPC_MAX_BATCH) : TRPC_MAX_BATCH);
  return (req, res) => {
    // The pages' reads (GET of queries) skip the fetch adapter; everything else goes through it.
    const plan = options.queriesViaFetch ? null : planQueries(req, maxBatch());
    return plan ? serveQueries(plan, req, res, served) : serveFetchHandler(req, res, guarded);
  };
}
