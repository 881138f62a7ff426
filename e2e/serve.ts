/**
 * The e2e server: a fresh database on the machine's PostgreSQL (or E2E_ADMIN_URL), migrated and
 * seeded at E2E_SCALE (default 100k; CI uses 1m), the demo users with E2E_PASSWORD, a production
 * build, then `next start`. On SIGTERM (Playwright stopping it) the database is dropped.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../db/client';
import { ensurePgBouncer, pooledUrl } from '../db/testing/pgbouncer';
import { runMigrations } from '../db/migrator';
import { seedDatabase } from '../db/seed/index';
import { seedDemoUsers } from '../db/seed/users';
import { E2E_PASSWORD, E2E_STATE_FILE } from './env';

const adminUrl = process.env.E2E_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scale = (process.env.E2E_SCALE ?? '100k') as '100k';
const port = Number(process.env.E2E_PORT ?? 3200);
const name = `e2e_${Date.now().toString(36)}`;
const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();

async function admin(text: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

let server: ReturnType<typeof spawn> | undefined;
let dropped = false;
async function stop(code: number) {
  server?.kill('SIGTERM');
  if (!dropped) {
    dropped = true;
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  }
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

const t0 = performance.now();
await admin(`CREATE DATABASE ${name}`);
const db = createDb(url, { max: 4, statementTimeoutMs: 0 });
await runMigrations(db);
console.log(`[e2e] seeding ${name} at scale ${scale}…`);
const report = await seedDatabase(db, { scale, seed: 42 });
await seedDemoUsers(db, E2E_PASSWORD);
await db.destroy();
// As the README's Deploying section advises (and the bench does): the app's time limits as the
// database's defaults, so db/client.ts runs a lone query as one round trip through PgBouncer instead
// of begin / query / commit. Set after the seed, which runs longer statements. A server started with
// other limits (shutdown.spec.ts) sees they differ and wraps its queries as before.
await admin(`ALTER DATABASE ${name} SET statement_timeout = ${Number(process.env.DB_STATEMENT_TIMEOUT_MS || 10_000)}`);
await admin(`ALTER DATABASE ${name} SET lock_timeout = ${Number(process.env.DB_LOCK_TIMEOUT_MS || 3_000)}`);
console.log(`[e2e] database ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Facts the specs need (e.g. which thread is longest) are read from the database by the specs
// themselves; this file only tells them where it is.
mkdirSync(path.dirname(E2E_STATE_FILE), { recursive: true });
writeFileSync(E2E_STATE_FILE, JSON.stringify({ databaseUrl: url, scale, seedReport: report }, null, 2));

// The app runs as deployed: through PgBouncer in transaction mode (E2E_DIRECT=1 to skip it), with
// the direct URL for what needs a session.
const pooled = process.env.E2E_DIRECT === '1' ? url : (await ensurePgBouncer(), pooledUrl(name));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: pooled,
  DIRECT_DATABASE_URL: url,
  BETTER_AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
  BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
  AUTH_SIGNIN_LIMIT_PER_MINUTE: '1000',
  NODE_ENV: 'production',
};
const next = path.resolve('node_modules/next/dist/bin/next');
if (process.env.E2E_SKIP_BUILD !== '1') {
  const build = spawn(process.execPath, [next, 'build'], { stdio: 'inherit', env });
  const code = await new Promise<number>((r) => build.on('exit', (c) => r(c ?? 1)));
  if (code !== 0) await stop(code);
}
// scripts/serve.ts, the production server: Next for pages, /api/trpc/ answered directly, the socket's
// peer appended to X-Forwarded-For (rate limits).
const started = spawn(
  process.execPath,
  [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/serve.ts', '-p', String(port), '-H', '127.0.0.1'],
  { stdio: 'inherit', env },
);
started.on('exit', (code) => void stop(code ?? 0));
server = started;
