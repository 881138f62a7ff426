import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { serverState } from './db';
import { STORAGE } from './env';

/**
 * Issue 15: a SIGTERM during a burst of requests completes every request already accepted, and
 * refuses new connections. A second production server (scripts/serve.ts, the build the e2e server
 * made, the same database) on its own port is started here and stopped here; the shared e2e
 * server is left alone. The burst's requests are held in flight by a lock on `customers` (well
 * under DB_LOCK_TIMEOUT_MS), so SIGTERM lands while every one of them is inside the server.
 */
const port = Number(process.env.E2E_PORT ?? 3200) + 50;
const BURST = 12;

function cookieHeader(): string {
  const state = JSON.parse(readFileSync(STORAGE.staff, 'utf8')) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** One request on its own connection (no keep-alive): status, or the connection error's code. */
function get(pathname: string, cookie: string): { accepted: Promise<void>; done: Promise<number | string> } {
  let accepted!: () => void;
  const acceptedP = new Promise<void>((r) => (accepted = r));
  const done = new Promise<number | string>((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, agent: false, headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('socket', (s) => s.on('connect', accepted));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
  return { accepted: acceptedP, done };
}

async function waitUntilServing(cookie: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await get('/api/health', cookie).done) === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the second server did not start');
}

test('SIGTERM during a burst: every accepted request completes with 2xx, new connections are refused', async () => {
  test.setTimeout(120_000);
  const { databaseUrl } = serverState();
  const cookie = cookieHeader();
  const child = spawn(
    process.execPath,
    [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/serve.ts', '-p', String(port), '-H', '127.0.0.1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DIRECT_DATABASE_URL: databaseUrl,
        BETTER_AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
        BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
        NODE_ENV: 'production',
        SHUTDOWN_GRACE_SECONDS: '20',
        // Room for the whole burst (bulkhead = half the pool) and waits longer than the test's lock.
        DB_POOL_MAX: '32',
        DB_POOL_WAIT_MS: '15000',
        DB_LOCK_TIMEOUT_MS: '15000',
      },
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const locker = new pg.Client({ connectionString: databaseUrl });
  try {
    await waitUntilServing(cookie);
    const input = encodeURIComponent(JSON.stringify({ json: { q: 'smith' } }));
    const url = `/api/trpc/bookings.searchCustomers?input=${input}`;
    expect(await get(url, cookie).done, 'the procedure answers before the test').toBe(200);

    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
    const burst = Array.from({ length: BURST }, () => get(url, cookie));
    await Promise.all(burst.map((r) => r.accepted));
    // Every request has reached its query: BURST backends wait on the lock.
    await expect
      .poll(
        async () =>
          Number(
            (
              await locker.query(
                `select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation
                  where c.relname = 'customers' and not l.granted`,
              )
            ).rows[0].n,
          ),
        { timeout: 20_000 },
      )
      .toBe(BURST);
    child.kill('SIGTERM');
    // The listening socket closes at once: a new connection is refused while the burst drains.
    await expect.poll(async () => get('/api/health', cookie).done, { timeout: 5_000 }).toBe('ECONNREFUSED');
    await locker.query('COMMIT');

    const statuses = await Promise.all(burst.map((r) => r.done));
    expect(statuses, output).toEqual(Array.from({ length: BURST }, () => 200));
    expect(await exited, output).toBe(0);
  } finally {
    await locker.query('ROLLBACK').catch(() => {});
    await locker.end().catch(() => {});
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
