import { guardTrpc, trpcGuardOptions } from '@/server/http/trpc-guard';
import { handleTrpc } from '@/server/http/trpc-handler';

const handler = (req: Request) => handleTrpc(req);

// Origin check, batch cap, no-store and the API security headers: server/http/trpc-guard.ts.
const guarded = guardTrpc(handler, trpcGuardOptions);

export { guarded as GET, guarded as POST };

// Every answer depends on the request (session, input), and saying so up front spares each request
// Next's "auto" mode: a Proxy around the Request that checks the render store on every read of
// `headers`, `url`, `body` (app-route module.js, proxyNextRequest), read a dozen times per call here.
export const dynamic = 'force-dynamic';
