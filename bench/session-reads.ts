/**
 * Does the production build answer session checks from its cache? (issue 23: it did not, because
 * Next bundles server/auth.ts once per entry.) Starts `next start` from .next on a scratch database,
 * signs in, sends 20 `session.me` requests one after the other and counts the scans of
 * auth_session they caused (pg_stat_user_tables, after PostgreSQL's 10 s stats flush). With the
 * cache: 1 (the first lookup); without it: 20. Light: one connection, no load.
 *
 *   npm run build && npx tsx bench/session-reads.ts      (TEST_DATABASE_ADMIN_URL: the server to use)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { runMigrations } from '@/db/migrator';
import { DEMO_USERS, seedDemoUsers } from '@/db/seed/users';
import { createScratchDatabase } from '@/db/testing/database';
import { freePort } from './http';

const REQUESTS = 20;
const repo = path.resolve(import.meta.dirname, '..');
const port = await freePort(3140, 3149);
const base = `http://127.0.0.1:${port}`;
const scratch = await createScratchDatabase('session_reads');
const server = spawn(
  process.execPath,
  [path.join(repo, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
  {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: scratch.url,
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
      BETTER_AUTH_URL: base,
    } as NodeJS.ProcessEnv,
  },
);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
try {
  await runMigrations(scratch.db);
  const password = randomBytes(12).toString('base64url');
  await seedDemoUsers(scratch.db, password);
  for (let i = 0; ; i++) {
    if (i > 240) throw new Error('next start did not answer within 60 s');
    if (
      await fetch(`${base}/api/auth/ok`).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      break;
    await sleep(250);
  }
  const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: DEMO_USERS[0]!.email, password }),
  });
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  // A backend flushes its table statistics at most every 10 s when idle (PostgreSQL 15).
  const scans = async () => {
    await sleep(11_000);
    const { rows } = await sql<{ n: string }>`
      select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as n from pg_stat_user_tables where relname = 'auth_session'`.execute(
      scratch.db,
    );
    return Number(rows[0]!.n);
  };
  const before = await scans();
  for (let i = 0; i < REQUESTS; i++) {
    const res = await fetch(`${base}/api/trpc/session.me`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`session.me answered ${res.status}`);
  }
  const reads = (await scans()) - before;
  console.log(
    `${REQUESTS} session.me requests read auth_session ${reads} time(s): ${reads <= 2 ? 'the session cache is in use' : 'NO session cache'}`,
  );
  process.exitCode = reads <= 2 ? 0 : 1;
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await scratch.drop();
}
