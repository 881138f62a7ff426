import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { APP_QUERY_IDS } from '@/lib/contract/database';
import { runMigrations } from '@/db/migrator';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { readSlowQueries, readTableSection } from './db-health';
import { readIndexSection } from './db-health-indexes';
import { captureStatement, explainPlan } from './db-health-plans';
import { explainAnalyzeQuery, readQueryPlans } from './db-health-queries';
import { readRollupCheck } from './db-health-rollup';
import { readThreadSummaryCheck } from './db-health-threads';

// One migrated database seeded with ~20,000 rows per big table (the seed's own generator), so
// shared_thread_messages and appointments are "big" (>= 10,000 rows) for the plan checks.
let scratch: ScratchDatabase;
let db: Db;

beforeAll(async () => {
  scratch = await createScratchDatabase('dbhealth');
  db = scratch.db;
  await runMigrations(db);
  await seedDatabase(db, { rows: 20_000, seed: 1 });
});
afterAll(() => scratch?.drop());

async function indexNamed(name: string) {
  const { data, problems } = await readIndexSection(db);
  expect(problems).toEqual([]);
  const found = data.indexes.find((i) => i.name === name);
  return { found, data };
}

async function isValid(name: string): Promise<{ valid: boolean; unique: boolean } | undefined> {
  const { rows } = await sql<{ valid: boolean; unique: boolean }>`
    select i.indisvalid as valid, i.indisunique as "unique" from pg_index i join pg_class c on c.oid = i.indexrelid
     where c.relname = ${name}`.execute(db);
  return rows[0];
}

async function planOf(id: string) {
  const { data } = await readQueryPlans(db);
  return data.find((p) => p.id === id)!;
}

describe('indexes', () => {
  it("reports the guide's thread_id index as redundant, and no unique or primary-key index as droppable", async () => {
    const { found, data } = await indexNamed('shared_thread_messages_thread_id_idx');
    const redundant = found!.findings.find((f) => f.kind === 'redundant')!;
    expect(redundant.reason).toContain('shared_thread_messages_thread_created_idx (thread_id, created_at, id)');
    expect(redundant.fix).toContain('DROP INDEX CONCURRENTLY IF EXISTS shared_thread_messages_thread_id_idx;');
    // The migration would rebuild a hand-dropped index: the fix says to ship the drop as a migration.
    expect(found!.migration).toBe('0002_performance_indexes');
    expect(redundant.note).toMatch(/npm run migrate.*MISSING/);

    const flaggedRedundant = data.indexes.filter((i) => i.findings.some((f) => f.kind === 'redundant')).map((i) => i.name);
    expect(flaggedRedundant).toEqual(['shared_thread_messages_thread_id_idx']);
    for (const i of data.indexes.filter((x) => x.unique || x.primary)) {
      expect(
        i.findings.filter((f) => f.kind === 'redundant' || f.kind === 'unused'),
        i.name,
      ).toEqual([]);
    }
    // Seeded data, no traffic yet: unused findings say since when, and warn about replicas.
    const unused = found!.findings.find((f) => f.kind === 'unused')!;
    expect(unused.reason).toMatch(/no scans since statistics (began|were reset)/);
    expect(unused.note).toMatch(/Replicas keep their own counts/);
    expect(data.indexes.every((i) => i.definition !== null && !i.sizeEstimated)).toBe(true);
  });

  it('an INVALID index from a failed concurrent UNIQUE build is reported, and runMigrations rebuilds the migration-owned one', async () => {
    // appointments_date_idx belongs to 0002: replace it by a UNIQUE build under its name that fails
    // on the seed's many appointments sharing a start time, leaving an INVALID index behind.
    await sql`DROP INDEX appointments_date_idx`.execute(db);
    await expect(sql`CREATE UNIQUE INDEX CONCURRENTLY appointments_date_idx ON appointments (date)`.execute(db)).rejects.toThrow(
      /could not create unique index/,
    );
    // And one no migration owns, failing the same way.
    await expect(
      sql`CREATE UNIQUE INDEX CONCURRENTLY appointments_one_per_customer_idx ON appointments (customer_id)`.execute(db),
    ).rejects.toThrow(/could not create unique index/);
    expect(await isValid('appointments_date_idx')).toEqual({ valid: false, unique: true });

    const { data } = await readIndexSection(db);
    const owned = data.indexes.find((i) => i.name === 'appointments_date_idx')!;
    expect(owned.valid).toBe(false);
    const invalid = owned.findings.find((f) => f.kind === 'invalid')!;
    expect(invalid.severity).toBe('critical');
    expect(invalid.fix).toContain('DROP INDEX CONCURRENTLY IF EXISTS appointments_date_idx;');
    expect(invalid.fix).toContain('npm run migrate');
    expect(invalid.note).toMatch(/UNIQUE build fails on duplicate keys/);
    // An invalid index is never also "unused" or "redundant": the invalid finding says what to do.
    expect(owned.findings.map((f) => f.kind)).toEqual(['invalid']);

    const stray = data.indexes.find((i) => i.name === 'appointments_one_per_customer_idx')!;
    expect(stray.migration).toBeNull();
    expect(stray.findings[0]!.fix).toContain(
      'CREATE UNIQUE INDEX CONCURRENTLY appointments_one_per_customer_idx ON public.appointments USING btree (customer_id);',
    );

    const { repaired } = await runMigrations(db);
    expect(repaired).toEqual(['appointments_date_idx']);
    expect(await isValid('appointments_date_idx')).toEqual({ valid: true, unique: false });
    // Not a migration's index: left for a person to decide.
    expect(await isValid('appointments_one_per_customer_idx')).toEqual({ valid: false, unique: true });
    const after = await indexNamed('appointments_date_idx');
    expect(after.found!.findings.filter((f) => f.kind === 'invalid')).toEqual([]);
    await sql`DROP INDEX CONCURRENTLY appointments_one_per_customer_idx`.execute(db);
  });

  it('the covering analytics index: low all-visible share after a bulk load suggests VACUUM, which fixes it', async () => {
    const before = (await indexNamed('api_usage_analytics_idx')).found!;
    expect(before.allVisibleShare).toBeGreaterThan(0.9); // the seed ends with VACUUM (ANALYZE)
    expect(before.findings.filter((f) => f.kind === 'visibility')).toEqual([]);

    await sql`INSERT INTO api_usage (service, endpoint, units, estimated_cost_cents, created_at)
              SELECT 'sms', '/messages', 1, 0.79, now() - g * interval '1 second' FROM generate_series(1, 20000) g`.execute(db);
    const loaded = (await indexNamed('api_usage_analytics_idx')).found!;
    expect(loaded.allVisibleShare).toBeLessThan(0.9);
    const finding = loaded.findings.find((f) => f.kind === 'visibility')!;
    expect(finding.reason).toMatch(/only \d+% of api_usage's pages are all-visible/);
    expect(finding.fix).toBe('VACUUM (ANALYZE) api_usage;');

    await sql`VACUUM (ANALYZE) api_usage`.execute(db);
    const vacuumed = (await indexNamed('api_usage_analytics_idx')).found!;
    expect(vacuumed.allVisibleShare).toBeGreaterThan(0.9);
    expect(vacuumed.findings.filter((f) => f.kind === 'visibility')).toEqual([]);
  });

  it('estimates B-tree bloat from statistics and suggests REINDEX CONCURRENTLY over the threshold', async () => {
    await sql`CREATE TABLE dbh_bloat (id int PRIMARY KEY, v int NOT NULL)`.execute(db);
    await sql`INSERT INTO dbh_bloat SELECT g, g FROM generate_series(1, 400000) g`.execute(db);
    await sql`CREATE INDEX dbh_bloat_v_idx ON dbh_bloat (v)`.execute(db);
    await sql`VACUUM (ANALYZE) dbh_bloat`.execute(db);
    const fresh = (await indexNamed('dbh_bloat_v_idx')).found!;
    expect(fresh.bloat!.pct).toBeLessThan(20);
    expect(fresh.findings.filter((f) => f.kind === 'bloated')).toEqual([]);

    // Nine rows in ten deleted everywhere: every leaf page keeps a tenth of its entries, none is freed.
    await sql`DELETE FROM dbh_bloat WHERE id % 10 <> 0`.execute(db);
    await sql`VACUUM (ANALYZE) dbh_bloat`.execute(db);
    const bloated = (await indexNamed('dbh_bloat_v_idx')).found!;
    expect(bloated.bloat!.pct).toBeGreaterThan(80);
    const finding = bloated.findings.find((f) => f.kind === 'bloated')!;
    expect(finding.fix).toBe('REINDEX INDEX CONCURRENTLY dbh_bloat_v_idx;');

    await sql`REINDEX INDEX CONCURRENTLY dbh_bloat_v_idx`.execute(db);
    await sql`ANALYZE dbh_bloat`.execute(db);
    expect((await indexNamed('dbh_bloat_v_idx')).found!.findings.filter((f) => f.kind === 'bloated')).toEqual([]);
    await sql`DROP TABLE dbh_bloat`.execute(db);
  });
});

describe("the app's query plans", () => {
  it('each registered query is planned with parameters from the data and uses its index', async () => {
    const { data, problems } = await readQueryPlans(db);
    expect(problems).toEqual([]);
    expect(data.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'conversations.history',
        'conversations.list',
        'bookings.searchCustomers',
        'bookings.byCustomer',
        'analytics.costByService',
        'identity.otpRateLimitCounts',
      ]),
    );
    for (const p of data) {
      expect(p.status, `${p.id}: ${p.problem}`).not.toMatch(/error|red|skipped/);
      expect(p.sql, p.id).toBeTruthy();
    }
    expect(data.map((p) => p.id).sort()).toEqual([...APP_QUERY_IDS].sort());
    // The cost page reads its rollup by design: not reading api_usage_analytics_idx is no warning.
    const cost = data.find((p) => p.id === 'analytics.costByService')!;
    expect(cost.status).toBe('ok');
    expect(cost.plan!.indexes).not.toContain('api_usage_analytics_idx');
    const history = data.find((p) => p.id === 'conversations.history')!;
    // The largest of this small seed's threads holds 6% of the messages: there the planner may walk the
    // newest-first index of message search (0011) and filter, instead of the thread's own index. At
    // 100k+ rows the thread index serves it (README); here it must at least be an index, never a Seq Scan.
    expect(history.status).not.toBe('red');
    expect(history.params).toMatch(/largest thread/);
    expect(history.plan!.seqScans).toEqual([]);
    expect(
      history.plan!.indexes.some((i) => i === 'shared_thread_messages_thread_created_idx' || i === 'shared_thread_messages_created_idx'),
    ).toBe(true);
    // A query function that only executes: its statement is captured unsent and planned all the same.
    const otp = data.find((p) => p.id === 'identity.otpRateLimitCounts')!;
    expect(otp.sql).toMatch(/FROM shared_thread_pending_links l/);
    expect(otp.plan!.indexes).toContain('shared_thread_pending_links_rate_limit_idx');
  });

  it("shows the schedule's queries with their plans (the status index only where the planner prefers it)", async () => {
    const { data } = await readQueryPlans(db);
    const day = data.find((p) => p.id === 'schedule.day')!;
    const week = data.find((p) => p.id === 'schedule.weekStatus')!;
    expect(day.status, day.plan?.lines.join('\n')).toBe('ok');
    expect(day.plan!.indexes).toContain('appointments_date_idx');
    // At this file's 20,000 rows (about 14 unconfirmed bookings a week) the planner reads the week
    // through appointments_date_idx and filters: cheaper here, and the page says so (warn, with the
    // plan). From 100k rows it takes appointments_status_idx (server/queries/schedule.test.ts).
    expect(['ok', 'warn'], week.plan?.lines.join('\n')).toContain(week.status);
    expect(week.plan!.indexes.some((i) => i === 'appointments_status_idx' || i === 'appointments_date_idx')).toBe(true);
    expect(week.plan!.red).toBe(false);
  });

  it('dropping the index a query needs turns its plan red (Seq Scan of a big table); npm run migrate restores it', async () => {
    // The history needs thread_created_idx; the redundant thread_id_idx and message search's newest-first
    // created_idx would stand in for it, so all three go.
    await sql`DROP INDEX shared_thread_messages_thread_created_idx, shared_thread_messages_thread_id_idx, shared_thread_messages_created_idx`.execute(
      db,
    );
    const red = await planOf('conversations.history');
    expect(red.status).toBe('red');
    expect(red.plan!.seqScans).toEqual([{ table: 'shared_thread_messages', estimatedRows: 20_000, big: true, onlyWhen: null }]);
    expect(red.missingExpected).toEqual(['shared_thread_messages_thread_created_idx']);
    const { data } = await readIndexSection(db);
    expect(data.missing.map((m) => m.name).sort()).toEqual([
      'shared_thread_messages_created_idx',
      'shared_thread_messages_thread_created_idx',
      'shared_thread_messages_thread_id_idx',
    ]);
    expect(data.missing[0]!.finding.fix).toContain('npm run migrate');

    const { repaired } = await runMigrations(db);
    expect(repaired.sort()).toEqual([
      'shared_thread_messages_created_idx',
      'shared_thread_messages_thread_created_idx',
      'shared_thread_messages_thread_id_idx',
    ]);
    expect((await planOf('conversations.history')).status).not.toBe('red');
  });

  it('EXPLAIN ANALYZE runs the statement and reports actual rows, time and buffers', async () => {
    const report = (await explainAnalyzeQuery(db, 'bookings.byCustomer'))!;
    expect(report.problem).toBeNull();
    expect(report.result!.executionMs).toBeGreaterThan(0);
    expect(report.result!.lines.join('\n')).toMatch(/actual time=.* rows=\d+ loops=1/);
    expect(report.result!.sharedHit + report.result!.sharedRead).toBeGreaterThan(0);
    expect(await explainAnalyzeQuery(db, 'no.such.query')).toBeNull();
  });

  it('a big Seq Scan in a branch a One-Time Filter may skip is shown, but not flagged red', async () => {
    const plan = await explainPlan(
      db,
      CompiledQuery.raw(`select body from shared_thread_messages where (select not exists (select 1 from api_usage_rollup_settings))`),
    );
    expect(plan.seqScans.find((s) => s.table === 'shared_thread_messages')).toMatchObject({ big: true, onlyWhen: expect.any(String) });
    expect(plan.red).toBe(false);
    expect(plan.lines.join('\n')).toMatch(/One-Time Filter/);
  });

  it('capturing a statement never sends it', async () => {
    const before = await db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const captured = await captureStatement(db, (spy) =>
      spy.insertInto('customers').values({ name: 'Never Inserted', email: 'never@example.com' }).execute(),
    );
    expect(captured.sql).toMatch(/^insert into "customers"/);
    expect(captured.parameters).toEqual(['Never Inserted', 'never@example.com']);
    const after = await db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('the analytics rollup check', () => {
  it('rollup totals equal raw totals for the last 90 days; a tampered rollup row shows up as a mismatch', async () => {
    const ok = await readRollupCheck(db, 'America/Chicago');
    if (!ok.checked) throw new Error(ok.reason);
    expect(ok.result.consistent).toBe(true);
    expect(ok.result.keys).toBeGreaterThan(0);
    expect(ok.result.rollup).toEqual(ok.result.raw);

    const { rows } = await sql<{ day: string; service: string }>`
      select day::text as day, service from api_usage_daily where day >= ${ok.result.from}::date order by day limit 1`.execute(db);
    const key = rows[0]!;
    await sql`update api_usage_daily set calls = calls + 1 where day = ${key.day}::date and service = ${key.service}`.execute(db);
    try {
      const bad = await readRollupCheck(db, 'America/Chicago');
      if (!bad.checked) throw new Error(bad.reason);
      expect(bad.result.consistent).toBe(false);
      expect(bad.result.mismatches).toEqual([expect.objectContaining({ day: key.day, service: key.service })]);
    } finally {
      await sql`update api_usage_daily set calls = calls - 1 where day = ${key.day}::date and service = ${key.service}`.execute(db);
    }
  });
});

describe('the thread summary check', () => {
  it('the threads of the newest messages match their messages; a write that bypassed 0010 shows up, and the repair clears it', async () => {
    const ok = await readThreadSummaryCheck(db);
    if (!ok.checked) throw new Error(ok.reason);
    expect(ok.messages).toBe(2_000);
    expect(ok.threads).toBeGreaterThan(50);
    expect(ok.mismatches).toEqual([]);

    // The newest message's thread, written to behind the triggers' back.
    const { rows } = await sql<{ thread_id: string; n: number }>`
      select m.thread_id, t.message_count as n from shared_thread_messages m join shared_threads t on t.id = m.thread_id
      order by m.id desc limit 1`.execute(db);
    const { thread_id: threadId, n } = rows[0]!;
    await db.transaction().execute(async (trx) => {
      await sql`set local app.thread_summaries = 'off'`.execute(trx);
      await sql`insert into shared_thread_messages (thread_id, channel, direction, author_type, body) values (${threadId}, 'voice', 'inbound', 'customer', 'behind its back')`.execute(
        trx,
      );
    });
    try {
      const bad = await readThreadSummaryCheck(db);
      if (!bad.checked) throw new Error(bad.reason);
      expect(bad.mismatches).toEqual([
        expect.objectContaining({
          threadId,
          stored: expect.objectContaining({ messageCount: n }),
          actual: expect.objectContaining({ messageCount: n + 1, channels: expect.arrayContaining(['voice']) }),
        }),
      ]);
      await sql`select shared_threads_summary_refresh(array(select shared_threads_summary_drift(null)))`.execute(db);
      const fixed = await readThreadSummaryCheck(db);
      expect(fixed.checked && fixed.mismatches).toEqual([]);
    } finally {
      await sql`delete from shared_thread_messages where body = 'behind its back'`.execute(db);
    }
    // Only as far back as asked: the newest 10 messages' threads.
    const few = await readThreadSummaryCheck(db, undefined, 10);
    expect(few.checked && few.messages).toBe(10);
  });
});

describe('under locks', () => {
  it('an ACCESS EXCLUSIVE lock held by another session: every section answers within 2 s, saying what it skipped', async () => {
    const locker = new pg.Client({ connectionString: scratch.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE appointments IN ACCESS EXCLUSIVE MODE');

      let started = performance.now();
      const indexes = await readIndexSection(db);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(indexes.problems.join(' ')).toMatch(
        /skipped for appointments: appointments is locked ACCESS EXCLUSIVE by pid \d+ \(LOCK TABLE appointments/,
      );
      const appt = indexes.data.indexes.find((i) => i.name === 'appointments_customer_id_idx')!;
      expect(appt).toMatchObject({ definition: null, sizeEstimated: true });
      expect(indexes.data.indexes.find((i) => i.name === 'shared_thread_messages_thread_id_idx')!.findings.map((f) => f.kind)).toContain(
        'redundant',
      );

      started = performance.now();
      const tables = await readTableSection(db);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(tables.data.tables.find((t) => t.name === 'appointments')!.sizesEstimated).toBe(true);
      expect(tables.data.tables.find((t) => t.name === 'customers')!.sizesEstimated).toBe(false);

      started = performance.now();
      const plans = await readQueryPlans(db);
      expect(performance.now() - started).toBeLessThan(2_000);
      const byCustomer = plans.data.find((p) => p.id === 'bookings.byCustomer')!;
      expect(byCustomer.status).toBe('skipped');
      expect(byCustomer.problem).toMatch(/appointments is locked ACCESS EXCLUSIVE/);
      expect(plans.data.find((p) => p.id === 'conversations.history')!.status).not.toMatch(/red|skipped|error/);

      await locker.query('LOCK TABLE api_usage IN ACCESS EXCLUSIVE MODE');
      started = performance.now();
      const rollup = await readRollupCheck(db, 'America/Chicago');
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(rollup).toMatchObject({ checked: false, reason: expect.stringMatching(/^Not checked: api_usage is locked ACCESS EXCLUSIVE/) });

      // No pre-check on this path: the lock_timeout is what keeps it from hanging.
      started = performance.now();
      const analyze = (await explainAnalyzeQuery(db, 'bookings.byCustomer'))!;
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(analyze.problem).toMatch(/waited 500 ms for a lock and gave up/);
    } finally {
      await locker.query('ROLLBACK').catch(() => {});
      await locker.end();
    }
  });

  it('a migration queued for ACCESS EXCLUSIVE behind a long reader: reads of that table are skipped, not queued', async () => {
    const reader = new pg.Client({ connectionString: scratch.url });
    const migration = new pg.Client({ connectionString: scratch.url });
    await reader.connect();
    await migration.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT 1 FROM customers LIMIT 1');
      const pending = migration.query('ALTER TABLE customers ADD COLUMN dbh_note text').catch((e: Error) => e);
      await expect.poll(async () => (await readIndexSection(db)).data.locks.length, { timeout: 5_000 }).toBe(1);

      const started = performance.now();
      const plans = await readQueryPlans(db);
      expect(performance.now() - started).toBeLessThan(2_000);
      const search = plans.data.find((p) => p.id === 'bookings.searchCustomers')!;
      expect(search.status).toBe('skipped');
      expect(search.problem).toMatch(
        /pid \d+ \(ALTER TABLE customers.*\) is queued for ACCESS EXCLUSIVE on customers.*behind pid \d+; reads of customers queue behind it/,
      );

      await reader.query('ROLLBACK');
      await pending;
    } finally {
      await reader.query('ROLLBACK').catch(() => {});
      await reader.end();
      await migration.query('ALTER TABLE customers DROP COLUMN IF EXISTS dbh_note').catch(() => {});
      await migration.end();
    }
  });
});

describe('pg_stat_statements', () => {
  it('shows the statements when loaded, otherwise how to enable it', async () => {
    const { rows } = await sql<{ preload: string }>`select current_setting('shared_preload_libraries') as preload`.execute(db);
    const section = await readSlowQueries(db);
    if (rows[0]!.preload.includes('pg_stat_statements')) {
      expect(section.available || section.enable.includes('CREATE EXTENSION')).toBe(true);
    } else {
      expect(section).toMatchObject({ available: false });
      if (section.available) throw new Error('unreachable');
      expect(section.reason).toMatch(/not in shared_preload_libraries/);
      expect(section.enable).toContain("shared_preload_libraries = 'pg_stat_statements'");
      expect(section.enable).toContain('CREATE EXTENSION IF NOT EXISTS pg_stat_statements;');
    }
  });
});
