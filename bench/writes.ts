import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { NewApiUsage, NewSharedThreadMessage } from '@/db/schema';
import { fmtMs } from './format';
import { apply0002, indexesOf0002, missingOrInvalid0002, rollback0002, vacuumAnalyze } from './indexes';
import { mean, median } from './stats';
import type { WriteCostRow } from './types';

/**
 * Insert cost of the two tables that take writes all day: messages and API usage rows. Rows are
 * stamped now (today's rollup row, the right end of the time indexes) and deleted again after each
 * round in the same trigger state they were inserted in, so the data the other phases read is
 * unchanged and the rollup stays exact.
 *
 * Two measures: wall-clock throughput (what a quiet machine gives), and, when PostgreSQL runs on
 * this machine, the CPU time its backend spent per row (from /proc/<pid>/schedstat). On a shared
 * machine a burst of someone else's load moves the first by tens of percent between rounds; the
 * second barely moves, so the overheads are computed from it when it is available.
 */

export type WriteTable = 'shared_thread_messages' | 'api_usage';
export const WRITE_TABLES: readonly WriteTable[] = ['shared_thread_messages', 'api_usage'];

export interface WritePlan {
  /** Rounds per variant (singleRows and batches are split across them). */
  rounds: number;
  singleRows: number;
  batches: number;
  batchSize: number;
}

interface Timing {
  rows: number;
  wallMs: number;
  /** Backend CPU time, or null when the server is not a local process we can see. */
  cpuMs: number | null;
}

export interface WriteSample {
  single: Timing;
  batch: Timing;
}

export interface WriteFixtures {
  threadIds: string[];
  services: string[];
}

export async function writeFixtures(db: Db): Promise<WriteFixtures> {
  const threads = await db.selectFrom('shared_threads').select('id').orderBy('id').limit(500).execute();
  const services = await sql<{ service: string }>`select distinct service from api_usage order by 1 limit 20`.execute(db);
  if (threads.length === 0) throw new Error('write cost: no threads in the seeded data');
  return {
    threadIds: threads.map((t) => t.id),
    services: services.rows.length ? services.rows.map((r) => r.service) : ['openai', 'twilio'],
  };
}

function row(table: WriteTable, fx: WriteFixtures, i: number): NewSharedThreadMessage | NewApiUsage {
  if (table === 'shared_thread_messages') {
    return {
      thread_id: fx.threadIds[i % fx.threadIds.length]!,
      channel: 'web',
      direction: i % 2 ? 'outbound' : 'inbound',
      author_type: i % 2 ? 'assistant' : 'customer',
      author_name: null,
      body: `bench write ${i}: can someone come out Tuesday to look at the water heater?`,
    };
  }
  return {
    service: fx.services[i % fx.services.length]!,
    endpoint: '/bench/write',
    units: 1 + (i % 5),
    unit_type: 'call',
    estimated_cost_cents: ((i % 97) + 3) / 10,
    // Seven rows in ten on a conversation, as the seed's AI and messaging calls are: the
    // (day, thread) rollup's trigger (0023_api_usage_thread_daily) has its real work to do.
    thread_id: i % 10 < 7 ? fx.threadIds[(i * 7) % fx.threadIds.length]! : null,
  };
}

/** User triggers (not FK triggers) on a table: 0005's rollup on api_usage, 0010's thread summaries on shared_thread_messages. */
export async function userTriggers(db: Db, table: WriteTable): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select tgname as name from pg_trigger
    where tgrelid = ${table}::regclass and not tgisinternal order by tgname`.execute(db);
  return rows.map((r) => r.name);
}

export async function setUserTriggers(db: Db, table: WriteTable, enabled: boolean): Promise<void> {
  await sql.raw(`ALTER TABLE ${table} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER USER`).execute(db);
}

export interface TriggerGroup {
  /** The triggers' common name: the migration's feature (api_usage_daily, api_usage_thread_daily). */
  name: string;
  triggers: string[];
}

/**
 * Triggers that an insert into `table` fires on other tables, through its own triggers' writes:
 * 0025_top_spenders_cache's on the two rollups that api_usage's triggers upsert. Measured as one
 * more group: all of the table's triggers on, against the same with these off.
 */
export async function dependentTriggers(db: Db, table: WriteTable): Promise<{ table: string; name: string }[]> {
  if (table !== 'api_usage') return [];
  const { rows } = await sql<{ table: string; name: string }>`
    select tgrelid::regclass::text as table, tgname as name from pg_trigger
    where tgrelid in (to_regclass('api_usage_daily'), to_regclass('api_usage_thread_daily'))
      and tgname like 'api\_usage\_top\_spenders\_cache\_%' and not tgisinternal order by 1, 2`.execute(db);
  return rows;
}

async function setDependent(db: Db, ts: { table: string; name: string }[], enabled: boolean): Promise<void> {
  for (const t of ts) await sql.raw(`ALTER TABLE ${t.table} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER ${t.name}`).execute(db);
}

/** The dependent group's name in the report. */
export const CACHE_GROUP = 'api_usage_top_spenders_cache on the rollups';

/** User triggers grouped by the feature that made them: the name without its event suffix. */
export function triggerGroups(names: string[]): TriggerGroup[] {
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const key = n.replace(/_(insert|update|delete|truncate)$/, '');
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  return [...groups].map(([name, triggers]) => ({ name, triggers }));
}

async function setTriggers(db: Db, table: WriteTable, names: string[], enabled: boolean): Promise<void> {
  for (const n of names) await sql.raw(`ALTER TABLE ${table} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER ${n}`).execute(db);
}

/**
 * Milliseconds of CPU a local PostgreSQL backend has used so far (nanosecond resolution), or null
 * when /proc does not show a postgres process with that pid (remote server, embedded database).
 */
export function backendCpuReader(pid: number): (() => number) | null {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return null;
    const read = () => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    return Number.isFinite(read()) ? read : null;
  } catch {
    return null;
  }
}

/**
 * Single-row INSERTs, each its own transaction, then multi-row INSERTs, on one connection with
 * synchronous_commit off: otherwise every commit waits for the WAL flush (milliseconds on a
 * virtual disk, see commitLatency), which is the same with or without indexes and drowns them.
 */
export async function measureInserts(
  db: Db,
  table: WriteTable,
  fx: WriteFixtures,
  plan: WritePlan,
  localServer: boolean,
): Promise<WriteSample> {
  const before = await maxId(db, table);
  try {
    return await db.connection().execute(async (conn) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn);
      const cpu = localServer ? backendCpuReader(rows[0]!.pid) : null;
      const timed = async (n: number, fn: () => Promise<void>): Promise<Timing> => {
        const c0 = cpu?.();
        const t0 = performance.now();
        await fn();
        return { rows: n, wallMs: performance.now() - t0, cpuMs: cpu ? cpu() - c0! : null };
      };
      await sql`SET synchronous_commit = off`.execute(conn);
      try {
        // A few unmeasured inserts: plan cache, the index pages at the right edge.
        for (let i = 0; i < 20; i++)
          await conn
            .insertInto(table)
            .values(row(table, fx, i) as never)
            .execute();
        const single = await timed(plan.singleRows, async () => {
          for (let i = 0; i < plan.singleRows; i++)
            await conn
              .insertInto(table)
              .values(row(table, fx, i) as never)
              .execute();
        });
        const rowsOf = (k: number) => Array.from({ length: plan.batchSize }, (_, i) => row(table, fx, k * plan.batchSize + i));
        await conn
          .insertInto(table)
          .values(rowsOf(0) as never)
          .execute();
        const batch = await timed(plan.batches * plan.batchSize, async () => {
          for (let k = 1; k <= plan.batches; k++)
            await conn
              .insertInto(table)
              .values(rowsOf(k) as never)
              .execute();
        });
        return { single, batch };
      } finally {
        await sql`RESET synchronous_commit`.execute(conn);
      }
    });
  } finally {
    await sql`delete from ${sql.table(table)} where id > ${before}`.execute(db);
  }
}

/** Median milliseconds of a single-row INSERT with the default synchronous_commit = on (commit waits for the WAL flush). */
export async function commitLatency(db: Db, fx: WriteFixtures, count = 50): Promise<number> {
  const table: WriteTable = 'shared_thread_messages';
  const before = await maxId(db, table);
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await db
        .insertInto(table)
        .values(row(table, fx, i) as never)
        .execute();
      samples.push(performance.now() - t0);
    }
  } finally {
    await sql`delete from ${sql.table(table)} where id > ${before}`.execute(db);
  }
  return median(samples);
}

async function maxId(db: Db, table: WriteTable): Promise<number> {
  const { rows } = await sql<{ max: number | null }>`select max(id) as max from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.max ?? 0);
}

/** Indexes on the table that 0002 does not create (primary key, later migrations): present in every column. */
async function otherIndexes(db: Db, table: WriteTable): Promise<string[]> {
  const ours = new Set(indexesOf0002().map((i) => i.name));
  const { rows } = await sql<{ name: string }>`
    select indexrelid::regclass::text as name from pg_index where indrelid = ${table}::regclass order by 1`.execute(db);
  return rows.map((r) => r.name).filter((n) => !ours.has(n));
}

export interface WriteCostResult {
  rows: WriteCostRow[];
  /** 0002 re-applied with plain CREATE INDEX on the way. */
  plain: { totalMs: number; perIndex: { name: string; ms: number }[] };
  commitMs: number;
}

/**
 * With the indexes (half the rounds), without them, then with them again (the other half), so a
 * drift over time (checkpoints, dead tuples of earlier rounds, caches) weighs on both sides alike;
 * user triggers are off for all of these, so the difference is the indexes alone. In the second
 * half, rounds with the triggers on (the rollup's own cost) alternate with rounds without.
 * Re-applies 0002 with plain CREATE INDEX on the way, timing it. Expects 0002 applied.
 */
export async function writeCost(db: Db, plan: WritePlan, localServer: boolean, log: (line: string) => void): Promise<WriteCostResult> {
  const fx = await writeFixtures(db);
  const triggers = new Map<WriteTable, string[]>();
  for (const t of WRITE_TABLES) triggers.set(t, await userTriggers(db, t));
  const round: WritePlan = {
    ...plan,
    singleRows: Math.ceil(plan.singleRows / plan.rounds),
    batches: Math.ceil(plan.batches / plan.rounds),
  };
  const groups = new Map(WRITE_TABLES.map((t) => [t, triggerGroups(triggers.get(t)!)]));
  const dependents = new Map<WriteTable, { table: string; name: string }[]>();
  for (const t of WRITE_TABLES) dependents.set(t, await dependentTriggers(db, t));
  const samples = new Map(
    WRITE_TABLES.map((t) => [
      t,
      {
        a: [] as WriteSample[],
        b1: [] as WriteSample[],
        b2: [] as WriteSample[],
        c: [] as WriteSample[],
        // One feature's triggers alone, when the table has several: each one's share of the cost.
        g: new Map(groups.get(t)!.map((g) => [g.name, [] as WriteSample[]])),
        // Every trigger of the table on, the dependent ones off (baseline of the dependent group).
        d: [] as WriteSample[],
      },
    ]),
  );
  const measure = (t: WriteTable) => measureInserts(db, t, fx, round, localServer);
  const half = Math.ceil(plan.rounds / 2);
  try {
    for (const t of WRITE_TABLES) if (triggers.get(t)!.length) await setUserTriggers(db, t, false);
    // Unrecorded rounds: the first ones after a bulk load and VACUUM run measurably slower.
    for (let r = 0; r < 2; r++) for (const t of WRITE_TABLES) await measure(t);
    for (let r = 0; r < half; r++) for (const t of WRITE_TABLES) samples.get(t)!.b1.push(await measure(t));
    await rollback0002(db, { analyze: false });
    for (let r = 0; r < plan.rounds; r++) for (const t of WRITE_TABLES) samples.get(t)!.a.push(await measure(t));
    log('      applying 0002 with plain CREATE INDEX (no CONCURRENTLY) ...');
    const plain = await apply0002(db, { concurrently: false });
    log(`      applied in ${fmtMs(plain.totalMs)}`);
    const bad = await missingOrInvalid0002(db);
    if (bad.length) throw new Error(`0002 left missing or INVALID indexes: ${bad.join(', ')}`);
    for (let r = 0; r < half; r++) {
      for (const t of WRITE_TABLES) {
        samples.get(t)!.b2.push(await measure(t));
        if (!triggers.get(t)!.length) continue;
        await setUserTriggers(db, t, true);
        samples.get(t)!.c.push(await measure(t));
        if (dependents.get(t)!.length) {
          await setDependent(db, dependents.get(t)!, false);
          samples.get(t)!.d.push(await measure(t));
          await setDependent(db, dependents.get(t)!, true);
        }
        await setUserTriggers(db, t, false);
        if (groups.get(t)!.length < 2) continue;
        for (const g of groups.get(t)!) {
          await setTriggers(db, t, g.triggers, true);
          samples
            .get(t)!
            .g.get(g.name)!
            .push(await measure(t));
          await setTriggers(db, t, g.triggers, false);
        }
      }
    }
    const rows: WriteCostRow[] = [];
    for (const t of WRITE_TABLES) {
      const m = samples.get(t)!;
      const others = await otherIndexes(db, t);
      for (const mode of ['single', 'batch'] as const) {
        const row = summarizeVariant(
          t,
          mode,
          {
            without: m.a,
            with: [...m.b1, ...m.b2],
            besideTrigger: m.b2,
            withTrigger: m.c,
            byGroup: [
              ...groups.get(t)!.map((g) => ({ ...g, samples: m.g.get(g.name)! })),
              ...(m.d.length
                ? [{ name: CACHE_GROUP, triggers: [...new Set(dependents.get(t)!.map((d) => d.name))], samples: m.c, baseline: m.d }]
                : []),
            ],
          },
          triggers.get(t)!,
          others,
          plan.batchSize,
        );
        rows.push(row);
        log(`      ${t.padEnd(24)} ${mode.padEnd(6)} ${describe(row)}`);
      }
    }
    const commitMs = await commitLatency(db, fx);
    log(`      one single-row INSERT with synchronous_commit = on: ${fmtMs(commitMs)} (median)`);
    return { rows, plain, commitMs };
  } finally {
    for (const t of WRITE_TABLES) if (triggers.get(t)!.length) await setUserTriggers(db, t, true);
    // The deletes left dead tuples: all-visible pages again for later Index Only Scans.
    await vacuumAnalyze(db);
  }
}

/**
 * Rows/s: the median of the rounds; CPU µs/row: total over total. Overheads from CPU when known,
 * with a noise estimate from the spread of the rounds (relative standard errors combined). The
 * trigger's overhead compares its rounds with the trigger-off rounds they alternated with.
 */
export function summarizeVariant(
  table: string,
  mode: 'single' | 'batch',
  rounds: {
    without: WriteSample[];
    with: WriteSample[];
    besideTrigger: WriteSample[];
    withTrigger: WriteSample[];
    /** Rounds with one feature's triggers alone (tables with several); `baseline`: compared with these rounds instead of the trigger-off ones. */
    byGroup?: Array<TriggerGroup & { samples: WriteSample[]; baseline?: WriteSample[] }>;
  },
  triggers: string[],
  otherIndexes: string[],
  batchSize: number,
): WriteCostRow {
  const { without, with: withIdx, besideTrigger, withTrigger } = rounds;
  const timings = (xs: WriteSample[]) => xs.map((x) => x[mode]);
  const rate = (xs: WriteSample[]) => (xs.length ? median(timings(xs).map((t) => t.rows / (t.wallMs / 1000))) : null);
  const hasCpu = (xs: WriteSample[]) => xs.length > 0 && timings(xs).every((t) => t.cpuMs != null);
  const cpu = (xs: WriteSample[]) =>
    hasCpu(xs) ? (timings(xs).reduce((s, t) => s + t.cpuMs!, 0) * 1000) / timings(xs).reduce((s, t) => s + t.rows, 0) : null;
  const byCpu = hasCpu(without) && hasCpu(withIdx);
  // Per-round cost per row, in whichever unit the overhead is computed from.
  const costs = (xs: WriteSample[]) => timings(xs).map((t) => (byCpu ? t.cpuMs! : t.wallMs) / t.rows);
  const a = rate(without)!;
  const b = rate(withIdx)!;
  const c = rate(withTrigger);
  const cpuA = cpu(without);
  const cpuB = cpu(withIdx);
  const cpuC = byCpu ? cpu(withTrigger) : null;
  const meanCost = (xs: WriteSample[]) => mean(costs(xs));
  // The share of throughput lost = 1 - cost before / cost after.
  const lost = (before: WriteSample[], after: WriteSample[]) => 1 - meanCost(before) / meanCost(after);
  const noise = (before: WriteSample[], after: WriteSample[]) => Math.hypot(relativeError(costs(before)), relativeError(costs(after)));
  const hasC = withTrigger.length > 0 && (!byCpu || hasCpu(withTrigger));
  return {
    table,
    mode,
    rows: timings(without).reduce((s, t) => s + t.rows, 0),
    batchSize: mode === 'single' ? 1 : batchSize,
    withoutIndexes: a,
    withIndexes: b,
    withIndexesAndTrigger: c,
    cpuUsPerRow: byCpu ? { without: cpuA!, with: cpuB!, withTrigger: cpuC } : null,
    indexOverhead: lost(without, withIdx),
    indexOverheadNoise: noise(without, withIdx),
    triggerOverhead: hasC ? lost(besideTrigger, withTrigger) : null,
    triggerOverheadNoise: hasC ? noise(besideTrigger, withTrigger) : null,
    overheadBasis: byCpu ? 'backend CPU' : 'wall clock',
    triggers,
    otherIndexes,
    triggerGroups: (rounds.byGroup ?? [])
      .filter((g) => g.samples.length > 0 && (!byCpu || hasCpu(g.samples)) && (!g.baseline || !byCpu || hasCpu(g.baseline)))
      .map((g) => ({
        name: g.name,
        triggers: g.triggers,
        withTrigger: rate(g.samples)!,
        cpuUsPerRow: byCpu ? cpu(g.samples) : null,
        overhead: lost(g.baseline ?? besideTrigger, g.samples),
        overheadNoise: noise(g.baseline ?? besideTrigger, g.samples),
      })),
  };
}

/** Standard error of the mean, relative to the mean (0 for fewer than two values). */
export function relativeError(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  const variance = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance / xs.length) / m;
}

function describe(r: WriteCostRow): string {
  const cpu = r.cpuUsPerRow;
  const part = (rate: number, us: number | null | undefined) =>
    `${rate.toFixed(0).padStart(7)} rows/s${us == null ? '' : ` ${us.toFixed(1)} µs CPU/row`}`;
  return (
    `without ${part(r.withoutIndexes, cpu?.without)}, with ${part(r.withIndexes, cpu?.with)} (${((r.indexOverhead ?? 0) * 100).toFixed(0)}% overhead by ${r.overheadBasis})` +
    (r.withIndexesAndTrigger == null
      ? ''
      : `, + triggers ${part(r.withIndexesAndTrigger, cpu?.withTrigger)} (${((r.triggerOverhead ?? 0) * 100).toFixed(0)}%)`)
  );
}

/** Message search's full-text index, as 0026 ships it and as 0011 had it, or none (issue 18). */
export type SearchIndexVariant = 'none' | 'gin (search_vector), 0011' | 'gin (search_vector, channel), 0026';

export interface SearchIndexWriteRow {
  variant: SearchIndexVariant;
  mode: 'single' | 'batch';
  rowsPerSec: number;
  /** Backend CPU µs per row (local PostgreSQL only). */
  cpuUsPerRow: number | null;
  /** ms to build the index (plain CREATE INDEX) on the bench data, for the two built here. */
  buildMs: number | null;
}

const SEARCH_CHANNEL_INDEX = `CREATE INDEX shared_thread_messages_search_channel_idx ON shared_thread_messages
  USING gin (search_vector, channel) WITH (fastupdate = on, gin_pending_list_limit = 1024)`;
const SEARCH_PLAIN_INDEX = `CREATE INDEX shared_thread_messages_search_idx ON shared_thread_messages
  USING gin (search_vector) WITH (fastupdate = on, gin_pending_list_limit = 1024)`;

/**
 * The write cost of message search's GIN index beside the other indexes' (issue 18): the same
 * single-row and batched INSERTs into shared_thread_messages with 0026's index (search vector and
 * channel), with 0011's (search vector alone) in its place, and with neither; the thread-summary
 * triggers off, every other index present. Ends with 0026's index rebuilt as shipped. Both keep
 * fastupdate with a 1 MB pending list: a single-row INSERT appends to the list, and the INSERT
 * that fills it merges it into the index (the batched rounds pay that merge).
 */
export async function searchIndexWriteCost(
  db: Db,
  plan: WritePlan,
  localServer: boolean,
  log: (line: string) => void,
): Promise<SearchIndexWriteRow[]> {
  const table: WriteTable = 'shared_thread_messages';
  const fx = await writeFixtures(db);
  const triggers = await userTriggers(db, table);
  const round: WritePlan = {
    ...plan,
    singleRows: Math.ceil(plan.singleRows / plan.rounds),
    batches: Math.ceil(plan.batches / plan.rounds),
  };
  const rounds = Math.max(2, Math.ceil(plan.rounds / 2));
  const samples = new Map<SearchIndexVariant, WriteSample[]>();
  const builds = new Map<SearchIndexVariant, number>();
  const measure = async (v: SearchIndexVariant) => {
    for (let r = 0; r < rounds; r++) samples.set(v, [...(samples.get(v) ?? []), await measureInserts(db, table, fx, round, localServer)]);
  };
  const build = async (v: SearchIndexVariant, statement: string) => {
    const t0 = performance.now();
    await sql.raw(statement).execute(db);
    builds.set(v, performance.now() - t0);
  };
  const shipped: SearchIndexVariant = 'gin (search_vector, channel), 0026';
  try {
    if (triggers.length) await setUserTriggers(db, table, false);
    await measureInserts(db, table, fx, round, localServer);
    await measure(shipped);
    await sql`DROP INDEX IF EXISTS shared_thread_messages_search_channel_idx`.execute(db);
    await measure('none');
    await build('gin (search_vector), 0011', SEARCH_PLAIN_INDEX);
    await measure('gin (search_vector), 0011');
    await sql`DROP INDEX IF EXISTS shared_thread_messages_search_idx`.execute(db);
    await build(shipped, SEARCH_CHANNEL_INDEX);
    await measure(shipped);
  } finally {
    await sql`DROP INDEX IF EXISTS shared_thread_messages_search_idx`.execute(db);
    await sql.raw(SEARCH_CHANNEL_INDEX.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS')).execute(db);
    if (triggers.length) await setUserTriggers(db, table, true);
    await vacuumAnalyze(db);
  }
  const out: SearchIndexWriteRow[] = [];
  for (const variant of ['none', 'gin (search_vector), 0011', shipped] as const) {
    const xs = samples.get(variant) ?? [];
    for (const mode of ['single', 'batch'] as const) {
      const t = xs.map((x) => x[mode]);
      const hasCpu = t.length > 0 && t.every((x) => x.cpuMs != null);
      const row: SearchIndexWriteRow = {
        variant,
        mode,
        rowsPerSec: median(t.map((x) => x.rows / (x.wallMs / 1000))),
        cpuUsPerRow: hasCpu ? (t.reduce((s, x) => s + x.cpuMs!, 0) * 1000) / t.reduce((s, x) => s + x.rows, 0) : null,
        buildMs: builds.get(variant) ?? null,
      };
      out.push(row);
      log(
        `      search index ${variant.padEnd(36)} ${mode.padEnd(6)} ${row.rowsPerSec.toFixed(0).padStart(7)} rows/s` +
          (row.cpuUsPerRow == null ? '' : ` ${row.cpuUsPerRow.toFixed(1)} µs CPU/row`),
      );
    }
  }
  return out;
}
