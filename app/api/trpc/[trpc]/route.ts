import { guardTrpc, trpcGuardOptions } from '@/server/http/trpc-guard';
import { handleTrpc } from '@/server/http/trpc-handler';

const handler = (req: Request) => handleTrpc(req);

// Origin check, batch cap and no-store: server/http/trpc-guard.ts.
const guarded = guardTrpc(handler, trpcGuardOptions);

export { guarded as GET, guarded as POST };
