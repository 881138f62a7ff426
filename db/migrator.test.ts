import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from './client';
import { startEmbedded } from './embedded';
import { expectedIndexHealth, loadMigrationFiles, runMigrations } from './migrator';
import { createdIndexes } from './sql-statements';
import { createScratchDatabase, type ScratchDatabase } from './testing/database';

const NINE = createdIndexes(loadMigrationFiles().find((f) => f.name === '0002_performance_indexes')!.up).map((i) => i.name);

async function presentIndexes(db: Db, names: string[]): Promise<string[]> {
  const { rows } = await sql<{ indexname: string }>`
    select indexname from pg_indexes where schemaname = current_schema() and indexname in (${sql.join(names)})
    order by indexname`.execute(db);
  return rows.map((r) => r.indexname);
}

/** Runs `npm run migrate -- <args>` as a user would, against `url`. */
function migrateCli(url: string, args: string[] = []): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'db/cli/migrate.ts', ...args], {
      env: { ...process.env, DATABASE_URL: url },
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe.each([
  ['PostgreSQL 15', 'pg'],
  ['embedded PGlite', 'embedded'],
] as const)('migrations up/down/up on %s', (_label, backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (backend === 'pg') {
      const scratch = await createScratchDatabase('migr');
      db = scratch.db;
      cleanup = scratch.drop;
    } else {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pglite-migr-'));
      const server = await startEmbedded({ dataDir: path.join(dir, 'data'), port: 54390 + Math.floor(Math.random() * 9) });
      db = createDb(server.url, { max: 2 });
      cleanup = async () => {
        await db.destroy();
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      };
    }
  });
  afterAll(() => cleanup?.());

  it('up creates the nine indexes, down removes them, up again restores them', async () => {
    await runMigrations(db);
    expect(await presentIndexes(db, NINE)).toEqual([...NINE].sort());

    // One run reverts 0002 and everything after it, newest first; 0001 stays.
    const names = loadMigrationFiles().map((f) => f.name);
    const { results } = await runMigrations(db, { direction: 'down', to: '0001_initial_schema' });
    expect(results?.map((r) => r.migrationName)).toEqual(names.slice(1).reverse());
    expect(results?.every((r) => r.direction === 'Down' && r.status === 'Success')).toBe(true);
    expect(await presentIndexes(db, NINE)).toEqual([]);

    // up --to stops at the target (named without its number); an applied target is nothing to do.
    const upTo = await runMigrations(db, { to: 'performance_indexes' });
    expect(upTo.results?.map((r) => r.migrationName)).toEqual(['0002_performance_indexes']);
    expect(await presentIndexes(db, NINE)).toEqual([...NINE].sort());
    expect((await runMigrations(db, { to: '0001_initial_schema' })).results).toEqual([]);

    const again = await runMigrations(db);
    expect(again.results?.map((r) => r.migrationName)).toEqual(names.slice(2));
    expect((await expectedIndexHealth(db)).every((i) => i.state === 'valid')).toBe(true);
  });
});

describe('npm run migrate (CLI) on PostgreSQL 15', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase('migrcli');
  });
  afterAll(() => scratch?.drop());

  it('two migrators started at once both exit 0 and apply each migration exactly once', async () => {
    const [a, b] = await Promise.all([migrateCli(scratch.url), migrateCli(scratch.url)]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    const applied = await scratch.db
      .selectFrom('kysely_migration' as never)
      .select(sql<string>`name`.as('name'))
      .execute();
    const names = applied.map((r) => r.name);
    expect(names).toEqual(loadMigrationFiles().map((f) => f.name));
    for (const f of loadMigrationFiles()) {
      const appliedLines = (a.out + b.out).split('\n').filter((l) => l.includes(`✓ ${f.name} (up)`));
      expect(appliedLines, `${f.name} applied once`).toHaveLength(1);
    }
  });

  it('down --to NAME reverts everything after NAME in one run, with the usual lines; a wrong name is refused', async () => {
    const names = loadMigrationFiles().map((f) => f.name);
    const wrong = await migrateCli(scratch.url, ['down', '--to', 'no_such_migration']);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('No migration named "no_such_migration"');
    const usage = await migrateCli(scratch.url, ['down', '--to']);
    expect(usage.code).toBe(2);

    const down = await migrateCli(scratch.url, ['down', '--to', 'performance_indexes']);
    expect(down.code, down.out).toBe(0);
    for (const n of names.slice(2)) expect(down.out).toContain(`✓ ${n} (down)`);
    expect(down.out).not.toContain('✓ 0002_performance_indexes (down)');
    const status = await migrateCli(scratch.url, ['status']);
    expect(status.out).toMatch(/applied\s+0002_performance_indexes/);
    expect(status.out).toMatch(/PENDING\s+0003_search_indexes/);

    const notApplied = await migrateCli(scratch.url, ['down', '--to', '0004_auth']);
    expect(notApplied.code).toBe(1);
    expect(notApplied.out).toContain('0004_auth is not applied');

    const up = await migrateCli(scratch.url, ['up', '--to=0004_auth']);
    expect(up.code, up.out).toBe(0);
    expect(up.out).toContain('✓ 0004_auth (up)');
    expect(up.out).not.toContain(`✓ ${names[4]} (up)`);
    const rest = await migrateCli(scratch.url);
    expect(rest.code, rest.out).toBe(0);
  });

  it('status reports a MISSING index and exits non-zero; migrate rebuilds it', async () => {
    await sql`drop index appointments_status_idx`.execute(scratch.db);
    const status = await migrateCli(scratch.url, ['status']);
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/MISSING\s+appointments\s+appointments_status_idx/);
    const fix = await migrateCli(scratch.url);
    expect(fix.code, fix.out).toBe(0);
    expect(fix.out).toContain('appointments_status_idx is MISSING: rebuilding');
    const after = await migrateCli(scratch.url, ['status']);
    expect(after.code, after.out).toBe(0);
    expect(after.out).toContain('All');
  });

  it('an INVALID index left by a failed concurrent build is reported, then rebuilt (not skipped by IF NOT EXISTS)', async () => {
    const db = scratch.db;
    const customer = await db.insertInto('customers').values({ name: 'Div Zero' }).returning('id').executeTakeFirstOrThrow();
    await db
      .insertInto('appointments')
      .values({ customer_id: customer.id, date: new Date(), service_type: 'Plumbing', amount_cents: 5 })
      .execute();
    await sql`drop index appointments_date_idx`.execute(db);
    // A concurrent build that fails part-way (division by zero on the row above) leaves an INVALID
    // index under the guide's name, exactly like an interrupted `psql -f 0002...`.
    await expect(
      sql`create index concurrently appointments_date_idx on appointments ((1 / (amount_cents - 5)))`.execute(db),
    ).rejects.toThrow(/division by zero/);
    const { rows } = await sql<{ valid: boolean }>`
      select indisvalid as valid from pg_index where indexrelid = 'appointments_date_idx'::regclass`.execute(db);
    expect(rows[0]?.valid).toBe(false);

    // psql -f of the guide's file "succeeds" and silently keeps the broken index:
    await sql.raw('CREATE INDEX CONCURRENTLY IF NOT EXISTS appointments_date_idx ON appointments (date)').execute(db);
    const status = await migrateCli(scratch.url, ['status']);
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/INVALID\s+appointments\s+appointments_date_idx/);

    const fix = await migrateCli(scratch.url);
    expect(fix.code, fix.out).toBe(0);
    const repaired = await sql<{ valid: boolean; def: string }>`
      select i.indisvalid as valid, pg_get_indexdef(i.indexrelid) as def
      from pg_index i where i.indexrelid = 'appointments_date_idx'::regclass`.execute(db);
    expect(repaired.rows[0]).toMatchObject({ valid: true });
    expect(repaired.rows[0]!.def).toMatch(/\(date\)$/);
  });

  it('a failing transactional migration rolls back completely and names the statement', async () => {
    const fresh = await createScratchDatabase('migrfail');
    try {
      const files = loadMigrationFiles().slice(0, 1);
      const broken = { ...files[0]!, up: `${files[0]!.up}\nCREATE TABLE customers (id int);` };
      await expect(runMigrations(fresh.db, { files: [broken] })).rejects.toThrow(
        /relation "customers" already exists[\s\S]*CREATE TABLE customers \(id int\)/,
      );
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name <> 'kysely_migration' and table_name <> 'kysely_migration_lock'`.execute(
        fresh.db,
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await fresh.drop();
    }
  });
});
