import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { captureSnapshot, readHistory } from './db-health-history';

// Snapshots against the real pg_stat_statements (preloaded here and in CI). Resets are of this
// scratch database's statements only (pg_stat_statements_reset(0, dbid, 0)): the server is shared.
let scratch: ScratchDatabase;
let db: Db;

beforeAll(async () => {
  scratch = await createScratchDatabase('dbhistory');
  db = scratch.db;
  await runMigrations(db);
  await sql`create table probe (id int primary key, v int)`.execute(db);
  await sql`insert into probe select g, g from generate_series(1, 1000) g`.execute(db);
});
afterAll(() => scratch?.drop());

const t = (minutes: number) => new Date(Date.UTC(2026, 0, 10, 12, 0) + minutes * 60_000);
const probe = async (n: number) => {
  for (let i = 0; i < n; i++) await sql`select count(*) from probe where v > ${i}`.execute(db);
};
async function probeDelta(at: Date) {
  const { rows } = await sql<{ calls: number }>`
    select calls from db_statement_snapshots where captured_at = ${at} and query like 'select count(*) from probe where v > $1%'`.execute(
    db,
  );
  return rows[0]?.calls ?? 0;
}

describe('statement snapshots', () => {
  it('records deltas per interval, correct across a reset of the statements and a full reset', async () => {
    const first = await captureSnapshot(db, t(0));
    expect(first).toMatchObject({ captured: true, first: true, statements: 0 });
    await probe(5);
    expect(await captureSnapshot(db, t(5))).toMatchObject({ captured: true, first: false, reset: false });
    expect(await probeDelta(t(5))).toBe(5);
    await probe(3);
    await captureSnapshot(db, t(10));
    expect(await probeDelta(t(10))).toBe(3);

    // This database's statements reset: the counter restarts at 0 and goes below the last one.
    await sql`select pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)`.execute(db);
    await probe(2);
    await captureSnapshot(db, t(15));
    expect(await probeDelta(t(15))).toBe(2);

    // A full reset moves pg_stat_statements_info.stats_reset: everything counted since is the delta,
    // even where a count climbed past the last one. (Simulated: the recorded reset time is changed.)
    await probe(4);
    await sql`update db_history_state set stats_reset = '2000-01-01'`.execute(db);
    const afterReset = await captureSnapshot(db, t(20));
    expect(afterReset).toMatchObject({ reset: true });
    expect(await probeDelta(t(20))).toBe(6);
    // Sizes once a day: the first capture of the day wrote them, the others did not.
    expect((first as { sizes: number | null }).sizes).toBeGreaterThan(0);
    expect((afterReset as { sizes: number | null }).sizes).toBeNull();
  });

  it('"slower since yesterday" compares the last 24 hours with the 24 before; old snapshots are pruned', async () => {
    const now = t(60 * 24 * 3);
    await sql`insert into db_statement_snapshots (captured_at, queryid, query, calls, total_ms, rows) values
      (${t(60 * 24 * 1.5)}, 42, 'select slow_one()', 10, 100, 10),
      (${t(60 * 24 * 2.5)}, 42, 'select slow_one()', 10, 500, 10),
      (${t(60 * 24 * 1.5)}, 43, 'select steady()', 10, 100, 10),
      (${t(60 * 24 * 2.5)}, 43, 'select steady()', 10, 101, 10)`.execute(db);
    const { data } = await readHistory(db, now);
    expect(data.slower.map((s) => [s.query, s.previousMeanMs, s.recentMeanMs])).toEqual([['select slow_one()', 10, 50]]);
    expect(data.growth.find((g) => g.table === 'probe')!.days[0]!.bytes).toBeGreaterThan(0);

    const later = new Date(now.getTime() + 40 * 86_400_000);
    const r = await captureSnapshot(db, later);
    expect(r).toMatchObject({ captured: true });
    expect((r as { pruned: number }).pruned).toBeGreaterThan(0);
    expect(
      (await sql<{ n: number }>`select count(*)::int as n from db_statement_snapshots where captured_at < ${now}`.execute(db)).rows[0]!.n,
    ).toBe(0);
  });
});
