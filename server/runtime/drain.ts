import type { Server } from 'node:http';

/**
 * Graceful shutdown of an HTTP server (issue 15): stop accepting (the listening socket closes, so
 * new connections are refused), let every request already accepted finish, close keep-alive
 * sockets as they fall idle, then call `done`. After `graceMs` whatever still runs (a live-updates
 * stream) is cut and `done` is called anyway. closeAllConnections() alone would cut the requests
 * in flight. (scripts/serve.ts also answers a request that arrives on a kept-alive socket meanwhile
 * with `Connection: close`.)
 */
export function drain(server: Server, graceMs: number, done: () => void): void {
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(idle);
    clearTimeout(cap);
    done();
  };
  // close()'s callback fires once the last connection has ended.
  server.close(() => finish());
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const cap = setTimeout(() => {
    server.closeAllConnections();
    finish();
  }, graceMs);
  idle.unref();
  cap.unref();
}
