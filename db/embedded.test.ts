import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from './client';
import { EmbeddedDatabaseBusyError, startEmbedded, type EmbeddedServer } from './embedded';
import { runMigrations } from './migrator';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pglite-owner-'));
const dataDir = path.join(dir, 'data');
const port = 54370 + Math.floor(Math.random() * 10);
let server: EmbeddedServer;
let db: Db;

beforeAll(async () => {
  server = await startEmbedded({ dataDir, port });
  db = createDb(server.url, { max: 3 });
});
afterAll(async () => {
  await db?.destroy();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL (PGlite over the wire protocol)', () => {
  it('starts from nothing, migrates and answers through pg', async () => {
    await runMigrations(db);
    const { rows } = await sql<{ v: string; n: number }>`
      select version() as v, (select count(*) from pg_indexes where indexname = 'api_usage_analytics_idx') as n`.execute(db);
    expect(rows[0]!.v).toMatch(/PostgreSQL/);
    expect(rows[0]!.n).toBe(1);
    const c = await db
      .insertInto('customers')
      .values({ name: 'Embedded Ed', phone: '+13125550100' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await db.selectFrom('customers').select('name').where('id', '=', c.id).executeTakeFirst()).toEqual({ name: 'Embedded Ed' });
  });

  it('refuses a second owner in this process with a clear message', async () => {
    await expect(startEmbedded({ dataDir, port: port + 20 })).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
  });

  it('refuses a second owner in another process, naming the owner and how to connect', async () => {
    const script = path.join(dir, 'second-owner.mts');
    writeFileSync(
      script,
      `import { startEmbedded } from ${JSON.stringify(path.resolve('db/embedded.ts'))};
       try { await startEmbedded({ dataDir: ${JSON.stringify(dataDir)}, port: ${port + 30} }); console.log('OPENED'); process.exit(0); }
       catch (e) { console.error(e instanceof Error ? e.message : e); process.exit(3); }`,
    );
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), script], { cwd: dir });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (out += d));
      p.on('exit', (code) => resolve({ code, out }));
    });
    expect(result.code).toBe(3);
    expect(result.out).toContain(`already owned by process ${process.pid}`);
    expect(result.out).toContain(`DATABASE_URL=${server.url}`);
    // The owner is unharmed.
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]!.one).toBe(1);
  });
});
