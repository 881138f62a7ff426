import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/db/client';
import { startEmbedded } from '@/db/embedded';
import { runMigrations } from '@/db/migrator';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { testSessions } from '@/db/testing/sessions';
import { candidateColumns, scannedColumns } from './db-health-candidates';
import { MIN_SAVINGS, readIndexSuggestions, type SuggestionReport } from './db-health-suggestions';

// Index suggestions verified by the planner with HypoPG (installed here and in CI): suggested for
// a query that lacks its index, not for the guide's indexed queries, and never created.
let scratch: ScratchDatabase;
let db: Db;
const sessions = testSessions(
  () => scratch.url,
  () => db,
);

const PROBE = 'select id, placed_at from probe_orders where customer_ref = 42 order by placed_at desc limit 10';

beforeAll(async () => {
  scratch = await createScratchDatabase('dbsuggest');
  db = scratch.db;
  await runMigrations(db);
  await seedDatabase(db, { rows: 2_000, seed: 1 });
  await sql`create table probe_orders (id serial primary key, customer_ref int not null, placed_at timestamptz not null, note text)`.execute(
    db,
  );
  await sql`insert into probe_orders (customer_ref, placed_at, note)
            select g % 5000, now() - make_interval(mins => g), md5(g::text) from generate_series(1, 60000) g`.execute(db);
  await sql`VACUUM (ANALYZE)`.execute(db);
  // PostgreSQL 15 flushes a backend's table counts when it goes idle, at most once a second: wait
  // until the 60,000 inserts reach pg_stat_user_tables (the write-cost estimate reads them).
  for (let waited = 0; ; waited += 250) {
    const { rows } = await sql<{ n: number }>`select coalesce(sum(n_tup_ins), 0)::int as n
                                              from pg_stat_user_tables where relname = 'probe_orders'`.execute(db);
    if (rows[0]!.n >= 60_000) break;
    if (waited > 15_000) throw new Error(`pg_stat_user_tables shows ${rows[0]!.n} of 60,000 inserts into probe_orders after 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await sql`select pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)`.execute(db);
  // The query without its index, as the app would send it: pg_stat_statements records it.
  for (let i = 0; i < 3; i++) await sql.raw(PROBE).execute(db);
});
afterAll(() => scratch?.drop());
afterEach(() => sessions.closeAll());

const probeReport = (reports: SuggestionReport[]) => reports.find((r) => r.source === 'statements' && r.query.includes('probe_orders'));

describe('candidates from a plan', () => {
  it('takes equality columns first, then the sort key, from a Seq Scan under a Sort', () => {
    const plan = {
      'Node Type': 'Limit',
      Plans: [
        {
          'Node Type': 'Sort',
          'Sort Key': ['placed_at DESC'],
          Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 't', Alias: 't', Filter: "((customer_ref = 42) AND (note ~~ 'id%'::text))" }],
        },
      ],
    };
    const [scan] = scannedColumns(
      plan,
      () => ['id', 'customer_ref', 'placed_at', 'note'],
      () => true,
    );
    expect(scan).toEqual({ table: 't', equality: ['customer_ref'], other: ['note'], sort: ['placed_at DESC'], join: [] });
    expect(candidateColumns(scan!)[0]).toEqual(['customer_ref', 'placed_at DESC']);
    // A small table gets no candidates.
    expect(
      scannedColumns(
        plan,
        () => ['customer_ref'],
        () => false,
      ),
    ).toEqual([]);
  });
});

describe('verified with HypoPG', () => {
  it('a hypothetical index lowers the cost of a query that lacks one; the guide queries get none; nothing is created', async () => {
    const { data, problems } = await readIndexSuggestions(db, scratch.url);
    expect(problems).toEqual([]);
    if (!data.available) throw new Error(data.reason);
    const app = data.reports.filter((r) => r.source === 'app');
    expect(app.length).toBeGreaterThan(5);
    for (const r of app) expect(r.status, `${r.key}: ${r.detail}`).toMatch(/^(indexed|no-gain)$/);

    const probe = probeReport(data.reports)!;
    expect(probe, JSON.stringify(data.reports.map((r) => [r.key, r.query, r.status]))).toBeDefined();
    expect(probe.status, probe.detail).toBe('suggested');
    expect(probe.costAfter!).toBeLessThan(probe.costBefore! * (1 - MIN_SAVINGS));
    const [index] = probe.indexes;
    expect(index!.table).toBe('probe_orders');
    expect(index!.columns[0]).toBe('customer_ref');
    expect(index!.definition).toMatch(
      /^CREATE INDEX CONCURRENTLY IF NOT EXISTS probe_orders_customer_ref\w*_idx ON probe_orders \(customer_ref/,
    );
    expect(index!.sizeBytes).toBeGreaterThan(100_000);
    expect(index!.writes.inserts).toBeGreaterThanOrEqual(60_000);
    expect(index!.writes.indexes).toBe(1);

    // Suggestions only: no index was built, and no hypothetical one is left in the app's sessions.
    const real = await sql<{ n: number }>`select count(*)::int as n from pg_indexes where tablename = 'probe_orders'`.execute(db);
    expect(real.rows[0]!.n).toBe(1);
    const left = await sql<{ n: number }>`select count(*)::int as n from hypopg_list_indexes`.execute(db);
    expect(left.rows[0]!.n).toBe(0);
    const plan = await sql<{ 'QUERY PLAN': string }>`${sql.raw(`explain ${PROBE}`)}`.execute(db);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Seq Scan on probe_orders/);
  });

  it('once the index exists, the query is no longer suggested one', async () => {
    await sql`create index probe_orders_customer_ref_idx on probe_orders (customer_ref, placed_at desc)`.execute(db);
    try {
      const { data } = await readIndexSuggestions(db, scratch.url);
      if (!data.available) throw new Error(data.reason);
      expect(probeReport(data.reports)!.status).toBe('indexed');
    } finally {
      await sql`drop index probe_orders_customer_ref_idx`.execute(db);
    }
  });

  it('answers within its lock guard while a table is locked, and says what it skipped', async () => {
    const locker = await sessions.open();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE probe_orders, appointments IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    const { data, problems } = await readIndexSuggestions(db, scratch.url);
    expect(Date.now() - started).toBeLessThan(8_000);
    if (!data.available) throw new Error(data.reason);
    expect(problems.join(' ')).toMatch(/probe_orders is locked ACCESS EXCLUSIVE/);
    expect(probeReport(data.reports)).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(/^Not tried: probe_orders is locked/),
    });
    expect(data.reports.find((r) => r.key === 'bookings.byCustomer')!.status).toBe('skipped');
    expect(data.reports.find((r) => r.key === 'conversations.history')!.status).toMatch(/^(indexed|no-gain)$/);
  });

  it('without a direct connection, or without HypoPG, says so and tries nothing', async () => {
    const { data } = await readIndexSuggestions(db, null);
    expect(data).toMatchObject({ available: false, reason: expect.stringMatching(/DIRECT_DATABASE_URL/) });
    await sql`drop extension hypopg`.execute(db);
    try {
      const { data: missing } = await readIndexSuggestions(db, scratch.url);
      expect(missing).toMatchObject({ available: false, enable: 'CREATE EXTENSION IF NOT EXISTS hypopg;' });
    } finally {
      await sql`create extension hypopg`.execute(db);
    }
  });
});

describe('the embedded database (PGlite)', () => {
  it('has no HypoPG: the section says so and how to get it, and tries nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pglite-suggest-'));
    const server = await startEmbedded({ dataDir: path.join(dir, 'data'), port: 54380 + Math.floor(Math.random() * 10) });
    const edb = createDb(server.url, { max: 2 });
    try {
      const { data } = await readIndexSuggestions(edb, server.url);
      expect(data).toMatchObject({ available: false, reason: expect.stringMatching(/HypoPG is not installed on this server/) });
      if (!data.available) expect(data.enable).toMatch(/CREATE EXTENSION IF NOT EXISTS hypopg;/);
    } finally {
      await edb.destroy();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
