import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { runMigrations } from '@/db/migrator';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { testSessions } from '@/db/testing/sessions';
import { readActivity, signalBackend } from './db-health-activity';
import { type CheckThresholds, DEFAULT_THRESHOLDS } from './db-health-checks';
import { readOverview } from './db-health-overview';

// Each Overview check made to fire on this scratch database, and quiet on it before; cancel and
// terminate of real sessions, audited.
let scratch: ScratchDatabase;
let db: Db;
const sessions = testSessions(
  () => scratch.url,
  () => db,
);
const actor = { id: 'user-1', email: 'admin@example.com' };

beforeAll(async () => {
  scratch = await createScratchDatabase('dbchecks');
  db = scratch.db;
  await runMigrations(db);
  await seedDatabase(db, { rows: 2_000, seed: 1 });
  await sql`VACUUM (ANALYZE)`.execute(db);
  // The seed's bulk statements can average over 1 s on a busy machine: start this database's
  // statement statistics afresh (only this scratch database's: the server is shared).
  await sql`select pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)`.execute(db);
});
afterAll(() => scratch?.drop());
afterEach(() => sessions.closeAll());

const now: CheckThresholds = { ...DEFAULT_THRESHOLDS, longQuerySeconds: 0.2, idleInTransactionSeconds: 0.2 };

async function check(id: string, thresholds: CheckThresholds = DEFAULT_THRESHOLDS) {
  const { data } = await readOverview(db, { thresholds });
  return data.checks.find((c) => c.id === id)!;
}

async function waitForState(pid: number, state: string) {
  await expect
    .poll(async () => (await sql<{ s: string }>`select state as s from pg_stat_activity where pid = ${pid}`.execute(db)).rows[0]?.s, {
      timeout: 5_000,
    })
    .toBe(state);
}

describe('a healthy database', () => {
  it('gives a verdict, and only the guide redundant thread_id index needs attention', async () => {
    const { data, problems } = await readOverview(db);
    expect(problems).toEqual([]);
    const byId = Object.fromEntries(data.checks.map((c) => [c.id, c]));
    // At 2,000 rows the planner may prefer a scan of a small table to a trigram index: info, not a warning.
    expect(byId['app-plans']!.status).toMatch(/^(ok|info)$/);
    for (const id of [
      'invalid-indexes',
      'long-running',
      'idle-in-transaction',
      'connections',
      'wraparound',
      'sequences',
      'not-valid-constraints',
      'replication',
      'statistics',
      'cache-hit',
    ]) {
      expect(byId[id]?.status, `${id}: ${byId[id]?.evidence}`).toBe('ok');
    }
    expect(byId['redundant-indexes']).toMatchObject({
      status: 'warning',
      sql: 'DROP INDEX CONCURRENTLY IF EXISTS shared_thread_messages_thread_id_idx;',
    });
    expect(byId['redundant-indexes']!.note).toMatch(/0002_performance_indexes/);
    // pg_stat_statements is preloaded here (and in CI): the check answers instead of skipping.
    expect(byId['slow-queries']!.status).toBe('ok');
    expect(data.verdict).toBe(`${data.attention} ${data.attention === 1 ? 'thing needs' : 'things need'} attention`);
    expect(data.checks.filter((c) => c.status === 'warning' || c.status === 'critical').map((c) => c.id)).toEqual(['redundant-indexes']);
    // Problems first: the redundant index heads the list.
    expect(data.checks[0]!.id).toBe('redundant-indexes');
  });
});

describe('each check fires on a database made to fail it', () => {
  it('an INVALID index and a duplicate index', async () => {
    await expect(sql`CREATE UNIQUE INDEX CONCURRENTLY customers_broken_idx ON customers (length(name))`.execute(db)).rejects.toThrow();
    await sql`CREATE INDEX customers_name_dup_idx ON customers (name)`.execute(db);
    await sql`CREATE INDEX customers_name_dup2_idx ON customers (name)`.execute(db);
    try {
      const invalid = await check('invalid-indexes');
      expect(invalid.status).toBe('critical');
      expect(invalid.evidence).toMatch(/customers_broken_idx on customers: INVALID/);
      expect(invalid.sql).toContain('DROP INDEX CONCURRENTLY IF EXISTS customers_broken_idx;');
      const dup = await check('redundant-indexes');
      expect(dup.evidence).toMatch(/customers_name_dup2?_idx on customers: Redundant/);
    } finally {
      await sql`DROP INDEX IF EXISTS customers_broken_idx, customers_name_dup_idx, customers_name_dup2_idx`.execute(db);
    }
  });

  it('a NOT VALID constraint, a sequence near its limit, a table never analyzed', async () => {
    await sql`ALTER TABLE appointments ADD CONSTRAINT appointments_id_positive CHECK (id > 0) NOT VALID`.execute(db);
    await sql`CREATE SEQUENCE near_limit_seq AS integer`.execute(db);
    await sql`SELECT setval('near_limit_seq', 2000000000)`.execute(db);
    await sql`CREATE TABLE never_analyzed (id int) WITH (autovacuum_enabled = false)`.execute(db);
    await sql`INSERT INTO never_analyzed SELECT generate_series(1, 5000)`.execute(db);
    // The inserting backend flushes its counts to pg_stat_user_tables only when it goes idle (at most
    // once a second in PostgreSQL 15): wait until they are there, or the check sees an empty table.
    await expect
      .poll(
        async () =>
          (await sql<{ n: number }>`select n_live_tup::int as n from pg_stat_user_tables where relname = 'never_analyzed'`.execute(db))
            .rows[0]?.n ?? 0,
        { timeout: 15_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(5000);
    try {
      const nv = await check('not-valid-constraints');
      expect(nv).toMatchObject({ status: 'warning', sql: 'ALTER TABLE appointments VALIDATE CONSTRAINT appointments_id_positive;' });
      const seq = await check('sequences');
      expect(seq.status).toBe('critical');
      expect(seq.evidence).toMatch(/near_limit_seq has used 93% of its range/);
      const stats = await check('statistics');
      expect(stats.status).toBe('warning');
      expect(stats.evidence).toMatch(/never_analyzed was never analyzed \(5,000 rows\)/);
      expect(stats.sql).toBe('VACUUM (ANALYZE) never_analyzed;');
    } finally {
      await sql`ALTER TABLE appointments DROP CONSTRAINT appointments_id_positive`.execute(db);
      await sql`DROP SEQUENCE near_limit_seq`.execute(db);
      await sql`DROP TABLE never_analyzed`.execute(db);
    }
  });

  it('a statement averaging over 1 s is a slow query', async () => {
    await sql`select pg_sleep(1.1)`.execute(db);
    const slow = await check('slow-queries');
    expect(slow.status).toBe('warning');
    expect(slow.evidence).toMatch(/^1,1\d\d ms mean over 1 calls: select pg_sleep\(\$1\)/);
  });

  it('a long pg_sleep is long-running; cancel stops it from another session, audited', async () => {
    const sleeper = await sessions.open();
    await sleeper.query("SET application_name = 'report-job'");
    const running = sleeper.query('SELECT pg_sleep(30)').then(
      () => 'finished',
      (err: Error) => err.message,
    );
    await waitForState(sleeper.pid, 'active');
    await new Promise((r) => setTimeout(r, 300));
    const long = await check('long-running', now);
    expect(long.status).toBe('warning');
    expect(long.evidence).toMatch(new RegExp(`pid ${sleeper.pid} \\(report-job, \\d+ s\\): SELECT pg_sleep\\(30\\)`));
    expect(long.sql).toBe(`SELECT pg_cancel_backend(${sleeper.pid});`);

    const listed = (await readActivity(db)).data.sessions.find((s) => s.pid === sleeper.pid)!;
    expect(listed).toMatchObject({ application: 'report-job', state: 'active', waitEvent: 'PgSleep', ownApplication: false });

    const result = await signalBackend(db, { pid: sleeper.pid, action: 'cancel' }, actor);
    expect(result).toMatchObject({ outcome: 'done', succeeded: true });
    expect(await running).toMatch(/canceling statement due to user request/);
    // The session survives a cancel.
    expect((await sleeper.query('SELECT 1 AS one')).rows[0].one).toBe(1);

    const audit = (await readActivity(db)).data.audit[0]!;
    expect(audit).toMatchObject({
      actorEmail: 'admin@example.com',
      action: 'cancel',
      pid: sleeper.pid,
      application: 'report-job',
      query: 'SELECT pg_sleep(30)',
      succeeded: true,
    });
  });

  it('a session idle in transaction fires; terminate ends it, audited; our own backend and other databases are refused', async () => {
    const idle = await sessions.open();
    idle.on('error', () => {});
    await idle.query('BEGIN');
    await idle.query('SELECT count(*) FROM customers');
    await waitForState(idle.pid, 'idle in transaction');
    await new Promise((r) => setTimeout(r, 300));
    const found = await check('idle-in-transaction', now);
    expect(found.status).toBe('warning');
    expect(found.sql).toBe(`SELECT pg_terminate_backend(${idle.pid});`);
    expect((await check('idle-in-transaction')).status).toBe('ok');

    expect(await signalBackend(db, { pid: idle.pid, action: 'terminate' }, actor)).toMatchObject({ outcome: 'done', succeeded: true });
    await expect
      .poll(async () => (await sql`select 1 from pg_stat_activity where pid = ${idle.pid}`.execute(db)).rows.length, { timeout: 5_000 })
      .toBe(0);
    const audit = await db.selectFrom('db_admin_actions').selectAll().where('target_pid', '=', idle.pid).execute();
    expect(audit).toMatchObject([{ action: 'terminate', actor_id: 'user-1', target_state: 'idle in transaction', succeeded: true }]);

    // A session of another database (the admin connection's): not found, not signalled.
    const other = (
      await sql<{
        pid: number;
      }>`select pid from pg_stat_activity where datname <> current_database() and backend_type = 'client backend' limit 1`.execute(db)
    ).rows[0];
    if (other) expect(await signalBackend(db, { pid: other.pid, action: 'terminate' }, actor)).toEqual({ outcome: 'not-found' });
    // The dashboard's own pool (same application_name): terminate is refused.
    const own = await sessions.open();
    await own.query(`SET application_name = 'scratch:dbchecks'`);
    expect(await signalBackend(db, { pid: own.pid, action: 'terminate' }, actor)).toMatchObject({ outcome: 'refused' });
  });
});

describe('under a lock', () => {
  it('the overview and the activity answer within their guard while a table is locked', async () => {
    const locker = await sessions.open();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE appointments IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    const { data, problems } = await readOverview(db);
    const activity = await readActivity(db);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(problems.join(' ')).toMatch(/appointments is locked ACCESS EXCLUSIVE/);
    expect(data.checks.length).toBeGreaterThan(10);
    expect(activity.data.sessions.find((s) => s.pid === locker.pid)?.state).toBe('idle in transaction');
  });
});
