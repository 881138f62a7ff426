import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { drain } from './drain';

/** One request on its own connection, or over `agent`: status, or the connection error's code. */
function get(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

function slowServer() {
  let accepted = 0;
  const release: Array<() => void> = [];
  const server = createServer((req, res) => {
    accepted++;
    if (req.url === '/slow') release.push(() => res.end('done'));
    else res.end('fast');
  });
  return { server, release, accepted: () => accepted };
}

describe('drain (SIGTERM in scripts/serve.ts)', () => {
  it('completes every accepted request with 200, refuses new connections, then finishes', async () => {
    const { server, release, accepted } = slowServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const burst = Array.from({ length: 20 }, () => get(port, '/slow'));
    await expect.poll(accepted).toBe(20);
    let done = false;
    drain(server, 10_000, () => (done = true));
    // The listening socket is closed: a new connection is refused while the burst is in flight.
    expect(await get(port, '/fast')).toBe('ECONNREFUSED');
    expect(done).toBe(false);
    for (const r of release.splice(0)) r();
    expect(await Promise.all(burst)).toEqual(Array.from({ length: 20 }, () => 200));
    await expect.poll(() => done).toBe(true);
  });

  it('cuts what still runs once the grace period is over, and finishes', async () => {
    const { server, release } = slowServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const stuck = get(port, '/slow');
    await expect.poll(() => release.length).toBe(1);
    let done = false;
    const started = performance.now();
    drain(server, 300, () => (done = true));
    expect(await stuck).toBe('ECONNRESET');
    await expect.poll(() => done).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
