/**
 * Serves the built dashboard like `next start`, with one difference that rate limits need: the
 * address of the TCP peer is APPENDED to X-Forwarded-For, as a proxy would. `next start` copies it
 * only when the request carries no X-Forwarded-For, so a client sending one chose its own address.
 * server/security/client-address.ts reads the chain from the end, trusting TRUSTED_PROXY_HOPS
 * entries before the peer.
 *
 *   tsx scripts/serve.ts [-p 3000] [-H 0.0.0.0]      (PORT / HOSTNAME work too)
 */
import { createServer } from 'node:http';
import next from 'next';
import { markPeerAppended } from '../server/security/client-address';

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

const server = createServer((req, res) => {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const prior = req.headers['x-forwarded-for'];
  const chain = Array.isArray(prior) ? prior.join(', ') : prior;
  req.headers['x-forwarded-for'] = chain ? `${chain}, ${peer}` : peer;
  void handle(req, res);
});
server.listen(port, hostname, () => console.log(`▲ Dashboard on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}`));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
