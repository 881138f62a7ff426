/**
 * Serves the built dashboard like `next start`, with one difference that rate limits need: the
 * address of the TCP peer is APPENDED to X-Forwarded-For, as a proxy would. `next start` copies it
 * only when the request carries no X-Forwarded-For, so a client sending one chose its own address.
 * server/security/client-address.ts reads the chain from the end, trusting TRUSTED_PROXY_HOPS
 * entries before the peer.
 *
 * And one that speed needs (issue 23): JSON calls to /api/trpc/ are answered here, by the same
 * guard and handler as the Next route (server/http/trpc-direct.ts), without Next's per-request
 * routing; pages, auth, webhooks and static files go through Next. DASHBOARD_TRPC_VIA_NEXT=1 sends
 * /api/trpc/ through Next too (the route is the same code).
 *
 *   tsx scripts/serve.ts [-p 3000] [-H 0.0.0.0]      (PORT / HOSTNAME work too)
 */
import { createServer } from 'node:http';
import next from 'next';
import { drain } from '../server/runtime/drain';
import { markPeerAppended } from '../server/security/client-address';

// This is the production server. Next's bundles have NODE_ENV inlined as "production"; the copy of
// server/ that answers /api/trpc/ here reads it at run time (errors shown to the browser without
// stack traces or SQL, auth cookies), so it must say the same.
(process.env as Record<string, string | undefined>).NODE_ENV = 'production';

const arg = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const port = Number(arg('-p') ?? process.env.PORT ?? 3000);
const hostname = arg('-H') ?? process.env.HOSTNAME ?? '0.0.0.0';

const app = next({ dev: false, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
markPeerAppended();
// Imported after prepare(): Next has loaded the .env files by then.
const { createDirectTrpcHandler, isDirectTrpcRequest } = await import('../server/http/trpc-direct');
const trpcDirect = process.env.DASHBOARD_TRPC_VIA_NEXT === '1' ? null : createDirectTrpcHandler();

// Graceful shutdown (issue 15): on SIGTERM stop accepting (new connections are refused), finish
// every request already accepted, close idle keep-alive sockets, then exit (instrumentation's
// boot closes the pools on the way out). SHUTDOWN_GRACE_SECONDS bounds the wait: a request still
// running then (a live-updates stream) is cut.
let closing = false;
const server = createServer((req, res) => {
  // Accepted while draining (a keep-alive client's next request): answered, then the socket closes.
  if (closing) res.setHeader('connection', 'close');
  const peer = req.socket.remoteAddress ?? 'unknown';
  const prior = req.headers['x-forwarded-for'];
  const chain = Array.isArray(prior) ? prior.join(', ') : prior;
  req.headers['x-forwarded-for'] = chain ? `${chain}, ${peer}` : peer;
  if (trpcDirect && isDirectTrpcRequest(req.method, req.url)) void trpcDirect(req, res);
  else void handle(req, res);
});
server.listen(port, hostname, () => console.log(`▲ Dashboard on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}`));

function onSignal() {
  if (closing) return;
  closing = true;
  const graceSeconds = Number(process.env.SHUTDOWN_GRACE_SECONDS ?? 10);
  drain(server, (Number.isFinite(graceSeconds) ? graceSeconds : 10) * 1_000, () => process.exit(0));
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal);
