import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrationFiles, runMigrations } from './migrator';
import { createdIndexes } from './sql-statements';
import { createScratchDatabase, type ScratchDatabase } from './testing/database';

/**
 * The guide says indexes are "zero risk". Built plainly, each CREATE INDEX holds a SHARE lock that
 * blocks every insert into its table for the whole build; 0002 builds them CONCURRENTLY. This
 * measures a writer's worst insert latency during both, on the same few hundred thousand rows.
 */
const ROWS = 400_000;
const files = loadMigrationFiles();
const upTo0002 = files.filter((f) => f.name <= '0002_performance_indexes');
const nine = createdIndexes(files.find((f) => f.name === '0002_performance_indexes')!.up);

let scratch: ScratchDatabase;
beforeAll(async () => {
  scratch = await createScratchDatabase('cic');
  await runMigrations(scratch.db, { files: upTo0002.slice(0, 1) });
  await sql`
    insert into api_usage (service, endpoint, units, estimated_cost_cents, created_at)
    select (array['openai','twilio_sms','google_maps','sendgrid'])[1 + g % 4], '/v1/x', 1 + g % 50,
           (g % 997) / 10.0, now() - make_interval(secs => g * 60)
    from generate_series(1, ${ROWS}) g`.execute(scratch.db);
  await sql`analyze api_usage`.execute(scratch.db);
});
afterAll(() => scratch?.drop());

/** Inserts one row at a time until `until` resolves; returns the slowest insert in ms. */
async function writerDuring(until: Promise<unknown>): Promise<{ worstMs: number; inserts: number }> {
  let done = false;
  void until.finally(() => (done = true));
  let worstMs = 0;
  let inserts = 0;
  while (!done) {
    const t0 = performance.now();
    await sql`insert into api_usage (service, endpoint, estimated_cost_cents) values ('openai', '/v1/chat', 1.5)`.execute(scratch.db);
    worstMs = Math.max(worstMs, performance.now() - t0);
    inserts++;
  }
  await until;
  return { worstMs, inserts };
}

describe('applying 0002 to a live table', () => {
  it('CONCURRENTLY keeps inserts flowing, where a plain CREATE INDEX blocks them for the build', async () => {
    const analytics = nine.find((i) => i.name === 'api_usage_analytics_idx')!;

    // Plain build: the way most guides apply an index.
    const plainSql = analytics.statement.replace(/CONCURRENTLY\s+/i, '');
    const plainStart = performance.now();
    const plain = await writerDuring(sql.raw(plainSql).execute(scratch.db));
    const plainBuildMs = performance.now() - plainStart;
    await sql`drop index api_usage_analytics_idx`.execute(scratch.db);

    // The migration as shipped (all nine, concurrently), through the migrator.
    const concurrent = await writerDuring(runMigrations(scratch.db, { files: upTo0002 }));

    console.log(
      `plain CREATE INDEX: build ${plainBuildMs.toFixed(0)} ms, worst insert ${plain.worstMs.toFixed(1)} ms; ` +
        `0002 CONCURRENTLY: worst insert ${concurrent.worstMs.toFixed(1)} ms over ${concurrent.inserts} inserts`,
    );
    // The plain build really did block the writer for most of the build...
    expect(plain.worstMs).toBeGreaterThan(plainBuildMs * 0.5);
    // ...and the concurrent one did not: generous margin, it is usually ~100x smaller.
    expect(concurrent.worstMs).toBeLessThan(plain.worstMs / 3);
    expect(concurrent.inserts).toBeGreaterThan(10);
    const { rows } = await sql<{ valid: boolean }>`
      select bool_and(indisvalid) as valid from pg_index where indexrelid = 'api_usage_analytics_idx'::regclass`.execute(scratch.db);
    expect(rows[0]!.valid).toBe(true);
  });
});
