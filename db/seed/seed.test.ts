import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client';
import { runMigrations } from '../migrator';
import { createScratchDatabase, type ScratchDatabase } from '../testing/database';
import { countsForRows, nonEmptySeedTables, SCALES, SEED_TABLES, type SeedReport, SeedRefusedError, seedDatabase } from './index';

// One anchor for every run in this file, so that two seeds compare equal even across an hour boundary.
const anchor = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
const ROWS = 20_000;
const EXACT = [
  'customers',
  'shared_threads',
  'shared_thread_messages',
  'appointments',
  'api_usage',
  'shared_thread_pending_links',
  'webhook_events',
] as const;

async function scratch(prefix: string): Promise<ScratchDatabase> {
  const s = await createScratchDatabase(prefix);
  await runMigrations(s.db);
  return s;
}

async function counts(db: Db): Promise<Record<string, number>> {
  const { rows } = await sql
    .raw<{ t: string; n: number }>(SEED_TABLES.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM ${t}`).join(' UNION ALL '))
    .execute(db);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

/** md5 of every row of every seed table, in key order: equal fingerprints mean identical data. */
async function fingerprint(db: Db): Promise<Record<string, string>> {
  const { rows } = await sql
    .raw<{ t: string; h: string }>(
      SEED_TABLES.map((t) => `SELECT '${t}' AS t, md5(string_agg(x::text, E'\\n' ORDER BY x.id)) AS h FROM ${t} x`).join(' UNION ALL '),
    )
    .execute(db);
  return Object.fromEntries(rows.map((r) => [r.t, r.h]));
}

async function one<T>(db: Db, query: string): Promise<T> {
  const { rows } = await sql.raw<{ v: T }>(query).execute(db);
  return rows[0]!.v;
}

describe('seedDatabase', () => {
  let a: ScratchDatabase;
  let b: ScratchDatabase;
  let report: SeedReport;

  beforeAll(async () => {
    [a, b] = await Promise.all([scratch('seed_a'), scratch('seed_b')]);
    report = await seedDatabase(a.db, { rows: ROWS, seed: 7, anchor, concurrency: 2 });
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
  });

  it('writes the counts the scale promises', async () => {
    const expected = countsForRows(ROWS);
    const actual = await counts(a.db);
    for (const table of EXACT) expect(actual[table], table).toBe(expected[table]);
    // attribution_data: every visitor visits, some go further down the funnel.
    expect(actual.attribution_data).toBeGreaterThan(expected.attributionVisitors);
    expect(actual.attribution_data).toBeLessThan(expected.attributionVisitors * 2);
    expect(report.rows).toEqual(actual);
    expect(report.anchor.toISOString()).toBe(anchor.toISOString());
  });

  it('is deterministic: same seed and anchor, identical rows, whatever the chunking and concurrency', async () => {
    await seedDatabase(b.db, { rows: ROWS, seed: 7, anchor, chunkRows: 3_000, vacuum: false });
    expect(await fingerprint(b.db)).toEqual(await fingerprint(a.db));
  });

  it('refuses tables that hold data; --reset starts over with the same ids, foreign keys checked or not', async () => {
    const before = await fingerprint(b.db);
    const refused = await seedDatabase(b.db, { rows: ROWS, seed: 7, anchor }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SeedRefusedError);
    expect((refused as SeedRefusedError).nonEmpty).toEqual([...SEED_TABLES]);
    expect((refused as Error).message).toMatch(/--reset/);
    expect(await fingerprint(b.db)).toEqual(before);

    await seedDatabase(b.db, { rows: ROWS, seed: 8, anchor, reset: true, vacuum: false });
    const other = await fingerprint(b.db);
    for (const table of SEED_TABLES) expect(other[table], table).not.toBe(before[table]);
    // Again with every reference checked by the foreign-key triggers as it is inserted.
    await seedDatabase(b.db, { rows: ROWS, seed: 7, anchor, reset: true, checkForeignKeys: true, concurrency: 2 });
    expect(await fingerprint(b.db)).toEqual(before);
  });

  it('keeps referential integrity (every foreign key of the seed tables)', async () => {
    const { rows: fks } = await sql<{ child: string; col: string; parent: string; pcol: string }>`
      select c.conrelid::regclass::text as child, a.attname as col, c.confrelid::regclass::text as parent, pa.attname as pcol
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
      where c.contype = 'f' and c.conrelid::regclass::text = any(${[...SEED_TABLES]})`.execute(a.db);
    expect(fks.length).toBeGreaterThanOrEqual(7);
    for (const fk of fks) {
      const dangling = await one<number>(
        a.db,
        `select count(*)::int as v from ${fk.child} c where c.${fk.col} is not null
           and not exists (select 1 from ${fk.parent} p where p.${fk.pcol} = c.${fk.col})`,
      );
      expect(dangling, `${fk.child}.${fk.col} -> ${fk.parent}`).toBe(0);
    }
  });

  it('gives appointments statuses that fit their dates', async () => {
    const { rows } = await sql<{ status: string; future: boolean; n: number }>`
      select status, date > ${anchor} as future, count(*)::int as n from appointments group by 1, 2`.execute(a.db);
    const n = (status: string, future: boolean) => rows.find((r) => r.status === status && r.future === future)?.n ?? 0;
    // Future: only scheduled or confirmed. Never a future completed, cancelled or no-show.
    expect(
      rows
        .filter((r) => r.future)
        .map((r) => r.status)
        .sort(),
    ).toEqual(['confirmed', 'scheduled']);
    // Past: mostly completed, some cancelled and no-shows, nothing still waiting.
    const past = rows.filter((r) => !r.future).reduce((s, r) => s + r.n, 0);
    expect(n('completed', false) / past).toBeGreaterThan(0.8);
    expect(n('cancelled', false)).toBeGreaterThan(0);
    expect(n('no_show', false)).toBeGreaterThan(0);
    expect(n('scheduled', false) + n('confirmed', false)).toBe(0);
    expect(
      await one<number>(
        a.db,
        `select count(*)::int as v from appointments
         where (status = 'in_progress' and not (date <= '${anchor.toISOString()}' and date + duration_minutes * interval '1 minute' > '${anchor.toISOString()}'))
            or created_at > '${anchor.toISOString()}' or updated_at < created_at`,
      ),
    ).toBe(0);
    const span = await one<{ min: number; max: number }>(
      a.db,
      `select json_build_object('min', min(date - '${anchor.toISOString()}'::timestamptz) < interval '-360 days',
                                'max', max(date - '${anchor.toISOString()}'::timestamptz) > interval '50 days') as v from appointments`,
    );
    expect(span).toEqual({ min: true, max: true });
  });

  it('keeps every thread consistent with its messages', async () => {
    const mismatches = await one<number>(
      a.db,
      `with m as (
         select thread_id, count(*)::int as n, max(created_at) as last_at, min(created_at) as first_at,
                array(select c from unnest(array['web', 'sms', 'voice']) c where c = any (array_agg(distinct channel))) as channels
         from shared_thread_messages group by thread_id
       ), last as (
         select distinct on (thread_id) thread_id, body from shared_thread_messages order by thread_id, created_at desc, id desc
       )
       select count(*)::int as v from shared_threads t
       left join m on m.thread_id = t.id left join last l on l.thread_id = t.id
       where m.n is distinct from t.message_count or m.last_at is distinct from t.last_message_at
          or m.channels is distinct from t.channels or left(l.body, 160) is distinct from t.last_message_preview
          or t.created_at > m.first_at or t.linked_at < t.created_at`,
    );
    expect(mismatches).toBe(0);
    // Nothing after the anchor: messages, usage, funnel events, webhooks, codes.
    for (const [table, column] of [
      ['shared_thread_messages', 'created_at'],
      ['api_usage', 'created_at'],
      ['attribution_data', 'occurred_at'],
      ['webhook_events', 'received_at'],
      ['shared_thread_pending_links', 'created_at'],
      ['customers', 'created_at'],
    ]) {
      expect(await one<number>(a.db, `select count(*)::int as v from ${table} where ${column} > '${anchor.toISOString()}'`), table).toBe(0);
    }
  });

  it('looks like the business: channels, voice, usage, webhooks and the funnel', async () => {
    const mix = await one<Record<string, number>>(
      a.db,
      `select json_object_agg(channel, n) as v from (select channel, count(*) as n from shared_thread_messages group by 1) x`,
    );
    for (const c of ['web', 'sms', 'voice']) expect(mix[c]).toBeGreaterThan(ROWS * 0.05);
    expect(
      await one<number>(
        a.db,
        `select count(*)::int as v from shared_thread_messages where channel = 'voice' and author_type <> 'system'
           and (voice_duration_seconds is null or voice_transcript is null)`,
      ),
    ).toBe(0);
    expect(await one<number>(a.db, `select count(distinct service)::int as v from api_usage`)).toBe(8);
    // Weekdays carry more usage than weekends.
    const weekday = await one<number>(
      a.db,
      `select (count(*) filter (where extract(isodow from created_at at time zone 'America/Chicago') < 6) / 5.0)
            / nullif(count(*) filter (where extract(isodow from created_at at time zone 'America/Chicago') >= 6) / 2.0, 0) as v from api_usage`,
    );
    expect(weekday).toBeGreaterThan(1.5);
    const webhooks = await one<Record<string, number>>(
      a.db,
      `select json_object_agg(status, n) as v from (select status, count(*) as n from webhook_events group by 1) x`,
    );
    expect(webhooks.processed! / countsForRows(ROWS).webhook_events).toBeGreaterThan(0.9);
    expect(webhooks.dead).toBeGreaterThan(0);
    const funnel = await one<number[]>(
      a.db,
      `select array_agg(n order by e) as v from (select array_position(array['visit','first_message','identity_linked','booking_made','job_completed'], conversion_event) as e,
              count(*)::int as n from attribution_data group by conversion_event) x`,
    );
    expect(funnel).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(funnel[i]!).toBeLessThan(funnel[i - 1]!);
    // Some threads are anonymous, most belong to a customer.
    const anonymous = await one<number>(a.db, `select avg((customer_id is null)::int)::float8 as v from shared_threads`);
    expect(anonymous).toBeGreaterThan(0.1);
    expect(anonymous).toBeLessThan(0.4);
  });

  it('leaves the tables ready for the app: sequences past the ids, statistics and visibility map', async () => {
    const id = await one<number>(a.db, `insert into customers (name) values ('New Customer') returning id as v`);
    expect(id).toBe(countsForRows(ROWS).customers + 1);
    await sql`delete from customers where id = ${id}`.execute(a.db);
    const vm = await one<{ pages: number; visible: number; analyzed: boolean }>(
      a.db,
      `select json_build_object('pages', c.relpages, 'visible', c.relallvisible, 'analyzed', s.last_analyze is not null) as v
       from pg_class c join pg_stat_user_tables s on s.relid = c.oid where c.relname = 'api_usage'`,
    );
    expect(vm.analyzed).toBe(true);
    expect(vm.visible).toBeGreaterThanOrEqual(vm.pages * 0.95);
  });
});

describe('seed scales', () => {
  let s: ScratchDatabase;
  beforeAll(async () => {
    s = await scratch('seed_scale');
  });
  afterAll(async () => {
    await s?.drop();
  });

  it('demo: a few hundred customers, every table filled', async () => {
    await seedDatabase(s.db, { scale: 'demo', anchor, concurrency: 2, vacuum: false });
    const actual = await counts(s.db);
    for (const table of EXACT) expect(actual[table], table).toBe(SCALES.demo[table]);
    expect(actual.attribution_data).toBeGreaterThan(SCALES.demo.attributionVisitors);
  });

  it('100k: 100,000 rows in each big table and a thread of 5,000+ messages', async () => {
    await seedDatabase(s.db, { scale: '100k', anchor, reset: true, concurrency: 2 });
    const actual = await counts(s.db);
    for (const table of EXACT) expect(actual[table], table).toBe(SCALES['100k'][table]);
    expect(actual.shared_thread_messages).toBe(100_000);
    expect(actual.appointments).toBe(100_000);
    expect(actual.api_usage).toBe(100_000);
    expect(await one<number>(s.db, `select max(message_count) as v from shared_threads`)).toBeGreaterThanOrEqual(5_000);
    // Most threads are short.
    expect(
      await one<number>(s.db, `select percentile_cont(0.5) within group (order by message_count) as v from shared_threads`),
    ).toBeLessThan(15);
    expect(await nonEmptySeedTables(s.db)).toEqual([...SEED_TABLES]);
  });
});
