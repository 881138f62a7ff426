import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { guardTrpc, TRPC_MAX_BATCH, trpcGuardOptions } from '@/server/http/trpc-guard';
import { appRouter } from '@/server/root';
import { createContext } from '@/server/trpc';

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: () => createContext({ headers: req.headers }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path ?? '?'}:`, error.cause ?? error);
    },
  });

// Origin check, batch cap and no-store: server/http/trpc-guard.ts.
const guarded = guardTrpc(handler, trpcGuardOptions);

export { guarded as GET, guarded as POST };
