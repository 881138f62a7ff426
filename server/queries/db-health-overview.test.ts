import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { runMigrations } from '@/db/migrator';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { type CheckThresholds, DEFAULT_THRESHOLDS } from './db-health-checks';
import { readOverview } from './db-health-overview';
import { notAppStatement } from './db-health-statements';

// The Overview's slow-query check on a freshly migrated and seeded database, its statement
// statistics NOT reset: the seeder's bulk loads and the migrations are in pg_stat_statements, and
// must not read as the app's slow queries. And the webhook signature check.
let scratch: ScratchDatabase;
let db: Db;

beforeAll(async () => {
  scratch = await createScratchDatabase('dbslow');
  db = scratch.db;
  await runMigrations(db);
  await seedDatabase(db, { rows: 2_000, seed: 1 });
});
afterAll(() => scratch?.drop());

async function check(id: string, thresholds: CheckThresholds = DEFAULT_THRESHOLDS) {
  const { data } = await readOverview(db, { thresholds });
  return data.checks.find((c) => c.id === id)!;
}

interface Stat {
  query: string;
  meanMs: number;
}
const stats = async () =>
  (
    await sql<Stat>`select query, mean_exec_time::float8 as "meanMs" from pg_stat_statements
                     where dbid = (select oid from pg_database where datname = current_database())`.execute(db)
  ).rows;

describe('slow queries are the app queries', () => {
  it('classifies statements by their marker, their command, or a bulk INSERT ... generate_series', () => {
    expect(notAppStatement('/* seed */ INSERT INTO customers SELECT 1')).toBe('seed');
    expect(notAppStatement('/* migration 0010_thread_summaries */ UPDATE shared_threads SET x = 1')).toBe('migration');
    expect(notAppStatement('-- why\n  CREATE INDEX CONCURRENTLY x ON y (z)')).toBe('utility');
    expect(notAppStatement('VACUUM (ANALYZE) customers')).toBe('utility');
    expect(notAppStatement('copy customers from stdin')).toBe('utility');
    expect(notAppStatement('insert into t (a) select g from generate_series($1, $2) g')).toBe('bulk-load');
    expect(notAppStatement('select * from customers where id = $1')).toBeNull();
    expect(notAppStatement('/* planned by the app */ select pg_sleep($1)')).toBeNull();
    expect(notAppStatement('insert into webhook_events (id) values ($1)')).toBeNull();
  });

  it("a seeded database's Overview does not list the seeder or the migrations; a real slow query does show", async () => {
    // The seed's and the migrations' statements are there, marked.
    const before = await stats();
    const seeded = before.filter((s) => s.query.startsWith('/* seed */'));
    const migrated = before.filter((s) => s.query.startsWith('/* migration '));
    expect(seeded.length).toBeGreaterThan(5);
    expect(migrated.length).toBeGreaterThan(5);
    expect(seeded.some((s) => /generate_series/i.test(s.query))).toBe(true);

    // A threshold every seed statement passes: without the filter they would be the slow queries.
    const slowMeanMs = Math.max(0.001, Math.min(...seeded.map((s) => s.meanMs)));
    const quiet = await check('slow-queries', { ...DEFAULT_THRESHOLDS, slowMeanMs });
    // Each line is "N ms mean over K calls: <statement>": what a statement starts with says what it
    // is (an app query may mention VACUUM in a comment, as the table-size read does).
    expect(quiet.evidence).not.toMatch(/calls: (\/\* (seed|migration)|create |vacuum|copy )/i);
    expect(quiet.evidence).not.toMatch(/calls: insert into [^\n]*generate_series/i);
    expect(quiet.evidence).toMatch(/slow bulk load, migration or maintenance statements? left out/);

    // At the guide's 1 s, the seeded database is quiet...
    const healthy = await check('slow-queries');
    expect(healthy.status).toBe('ok');
    // ...until a statement of the app averages over 1 s.
    await sql`select pg_sleep(1.1)`.execute(db);
    const slow = await check('slow-queries');
    expect(slow.status).toBe('warning');
    expect(slow.evidence).toMatch(/^1,1\d\d ms mean over 1 calls: select pg_sleep\(\$1\)/);
    expect(slow.evidence).not.toMatch(/seed|generate_series/);
  });
});

describe('webhook signatures', () => {
  it('quiet without refusals; deliveries refused for a bad signature in the last hour are a warning with what to do', async () => {
    const quiet = await check('webhook-secret');
    expect(quiet).toMatchObject({ status: 'ok', title: 'Webhook signatures' });

    // Refusals of another reason, or older than an hour, do not count.
    await sql`insert into webhook_rejection_counts (minute, reason, n) values
                (date_trunc('minute', now()), 'too_large', 3),
                (date_trunc('minute', now() - interval '3 hours'), 'bad_signature', 50)`.execute(db);
    expect((await check('webhook-secret')).status).toBe('ok');

    await sql`insert into webhook_rejection_counts (minute, reason, n) values
                (date_trunc('minute', now()), 'bad_signature', 12),
                (date_trunc('minute', now() - interval '10 minutes'), 'bad_signature', 30)`.execute(db);
    const { data } = await readOverview(db);
    const c = data.checks.find((x) => x.id === 'webhook-secret')!;
    expect(c.status).toBe('warning');
    expect(c.evidence).toBe('42 deliveries rejected for bad signature in the last hour: is the secret right?');
    expect(c.action).toMatch(/HOUSECALLPRO_WEBHOOK_SECRET/);
    expect(c.note).toMatch(/Webhooks page/);
    expect(data.verdict).toMatch(/things? needs? attention/);
    await sql`delete from webhook_rejection_counts`.execute(db);
  });
});
