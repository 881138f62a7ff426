import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { createPool, type Db } from '@/db/client';
import type { Database } from '@/db/schema';
import { startEmbedded } from '@/db/embedded';

export const EMBEDDED_BENCH_PORT = 54420;

export interface BenchDatabase {
  name: string;
  url: string;
  kind: 'postgresql' | 'embedded';
  db: Db;
  /** The pool under `db` (plans.ts borrows it to capture compiled statements). */
  pool: pg.Pool;
  /** Ends every connection and removes the database (idempotent). */
  drop(): Promise<void>;
}

/**
 * The bench's own database, never the user's: `CREATE DATABASE bench_<random>` on the server of
 * `adminUrl` (DATABASE_URL), or, without one, a throw-away embedded PGlite in a temporary
 * directory (its own port, its own data directory, deleted at the end).
 */
export async function createBenchDatabase(options: {
  adminUrl: string | null;
  embeddedPort?: number;
  poolMax?: number;
}): Promise<BenchDatabase> {
  const poolMax = options.poolMax ?? 4;
  if (options.adminUrl) {
    const name = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await adminQuery(options.adminUrl, `CREATE DATABASE ${name}`);
    const url = withDatabase(options.adminUrl, name);
    const { db, pool } = open(url, poolMax);
    let dropped = false;
    return {
      name,
      url,
      kind: 'postgresql',
      db,
      pool,
      async drop() {
        if (dropped) return;
        dropped = true;
        // After Ctrl-C a query may still be running: do not wait for it, FORCE ends it.
        await Promise.race([db.destroy().catch(() => {}), new Promise((r) => setTimeout(r, 3_000))]);
        await adminQuery(options.adminUrl!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-pglite-'));
  const server = await startEmbedded({ dataDir: path.join(dataDir, 'data'), port: options.embeddedPort ?? EMBEDDED_BENCH_PORT });
  // Every connection shares PGlite's one backend session: a pool larger than one only queues.
  const { db, pool } = open(server.url, 1);
  let dropped = false;
  return {
    name: path.basename(dataDir),
    url: server.url,
    kind: 'embedded',
    db,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.destroy().catch(() => {});
      await server.stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function open(url: string, max: number): { db: Db; pool: pg.Pool } {
  // The bench's own connections run without time limits, whatever the database's defaults: the HTTP
  // part sets the app's limits as this database's defaults while it runs (bench/http.ts), and a
  // connection the pool opened meanwhile kept them into the 10M step (its VACUUM was cancelled).
  const pool = createPool(url, {
    max,
    statementTimeoutMs: 0,
    applicationName: 'bench',
    onConnect: (client) => client.query('SET statement_timeout = 0; SET lock_timeout = 0'),
  });
  return { pool, db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }) };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench-admin' });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
