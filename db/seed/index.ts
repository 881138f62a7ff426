import { type Kysely, sql } from 'kysely';
import type { Db } from '../client';
import type { Database } from '../schema';
import { SEED_MARKER } from '../statement-markers';
import { seedApiUsage } from './api-usage';
import { seedAppointments } from './appointments';
import { seedAttribution } from './attribution';
import { makeClock } from './clock';
import type { SeedContext } from './context';
import { seedCustomers } from './customers';
import { seedPendingLinks } from './pending-links';
import { countsForRows, isScaleName, SCALES, type ScaleName, SEED_TABLES, type SeedCounts, type SeedTable } from './scales';
import { SqlRandom } from './sql-kit';
import { planThreads, seedMessages, seedThreads } from './threads';
import { seedWebhookEvents } from './webhook-events';

export { SCALES, SCALE_NAMES, SEED_TABLES, countsForRows, isScaleName } from './scales';
export type { ScaleName, SeedCounts, SeedTable } from './scales';

/** The business's time zone: business hours, appointment slots and calendar days are local to it. */
export const DEFAULT_TIME_ZONE = 'America/Chicago';

export interface SeedOptions {
  /** Row-count preset (default 'demo'); see SCALES. */
  scale?: ScaleName;
  /** Instead of a preset: about this many rows in each of messages, appointments and api_usage. */
  rows?: number;
  /** Same scale + seed + anchor => identical data. Default 1. */
  seed?: number;
  /** Empty the seed tables first; without it, seeding a database that holds data throws SeedRefusedError. */
  reset?: boolean;
  /**
   * The "now" every timestamp is relative to: messages and usage up to it, appointments 60 days
   * past it. Default: the database's now() truncated to the hour. Pass one to compare two runs.
   */
  anchor?: Date;
  /** IANA zone of business hours, slots and calendar days. Default DEFAULT_TIME_ZONE (the app's BUSINESS_TIME_ZONE default). */
  timeZone?: string;
  /** Rows per INSERT (each its own transaction). Smaller keeps the embedded database responsive. Default 250,000. */
  chunkRows?: number;
  /**
   * 2: fill independent tables on two connections at once (the pool must allow two; it halves the
   * time on a 2-core server). Default 1. The embedded database runs one statement at a time anyway.
   */
  concurrency?: 1 | 2;
  /** VACUUM (ANALYZE) the tables at the end (default true): statistics, and the visibility map Index Only Scans need. */
  vacuum?: boolean;
  /**
   * Check each generated reference with the foreign-key triggers (slow: one lookup per row).
   * Default false: the generators produce valid references by construction (the tests verify it),
   * so tables whose only triggers are foreign-key checks are loaded with session_replication_role
   * = replica when the role may set it. Tables with triggers of their own (the api_usage rollup)
   * are always loaded with every trigger firing.
   */
  checkForeignKeys?: boolean;
  /** Called once per table when it is done (and once for the final VACUUM). */
  onProgress?: (progress: SeedProgress) => void;
  /** Called after every INSERT statement, with the table's rows so far: for live progress on big scales. */
  onChunk?: (progress: SeedProgress) => void;
}

export interface SeedProgress {
  table: SeedTable | 'vacuum';
  rows: number;
  /** Milliseconds spent on this table so far. */
  ms: number;
}

export interface SeedReport {
  scale: ScaleName | 'custom';
  seed: number;
  anchor: Date;
  timeZone: string;
  counts: SeedCounts;
  /** Rows written per table. */
  rows: Record<SeedTable, number>;
  steps: SeedProgress[];
  totalMs: number;
}

export class SeedRefusedError extends Error {
  constructor(readonly nonEmpty: SeedTable[]) {
    super(
      `Refusing to seed: ${nonEmpty.join(', ')} already hold rows. ` +
        'Run with --reset (reset: true) to empty the seed tables first (auth users and migrations are kept).',
    );
    this.name = 'SeedRefusedError';
  }
}

/** The seed tables that hold at least one row. */
export async function nonEmptySeedTables(db: Kysely<Database>): Promise<SeedTable[]> {
  const checks = SEED_TABLES.map((t) => `SELECT '${t}' AS t WHERE EXISTS (SELECT 1 FROM ${t})`).join(' UNION ALL ');
  const { rows } = await sql.raw<{ t: SeedTable }>(checks).execute(db);
  return SEED_TABLES.filter((t) => rows.some((r) => r.t === t));
}

/** Empties the seed tables and restarts their ids (auth_* and kysely_migration are untouched). */
export async function resetSeedTables(db: Kysely<Database>): Promise<void> {
  await sql.raw(`TRUNCATE ${SEED_TABLES.join(', ')} RESTART IDENTITY CASCADE`).execute(db);
}

export function resolveCounts(options: Pick<SeedOptions, 'scale' | 'rows'>): { scale: ScaleName | 'custom'; counts: SeedCounts } {
  if (options.rows !== undefined) return { scale: 'custom', counts: countsForRows(options.rows) };
  const scale = options.scale ?? 'demo';
  if (!isScaleName(scale)) throw new Error(`Unknown scale "${scale}"`);
  return { scale, counts: SCALES[scale] };
}

/**
 * Fills the app's tables with realistic, deterministic data generated inside PostgreSQL
 * (INSERT ... SELECT over generate_series, one short transaction per statement). Assumes the
 * schema is migrated; each generator (customers.ts, threads.ts, ...) says what its data looks like.
 */
export async function seedDatabase(db: Db, options: SeedOptions = {}): Promise<SeedReport> {
  const started = performance.now();
  const { scale, counts } = resolveCounts(options);
  const seed = options.seed ?? 1;
  const rng = new SqlRandom(seed);
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const chunkRows = options.chunkRows ?? 250_000;
  const concurrency = options.concurrency ?? 1;
  if (!(chunkRows >= 1000)) throw new Error(`chunkRows must be >= 1000, got ${chunkRows}`);

  return db.connection().execute(async (conn) => {
    if (options.reset) await resetSeedTables(conn);
    else {
      const nonEmpty = await nonEmptySeedTables(conn);
      if (nonEmpty.length) throw new SeedRefusedError(nonEmpty);
    }
    const clock = await makeClock(conn, timeZone, options.anchor);
    const skipChecks = options.checkForeignKeys ? new Set<string>() : await tablesWithOnlyForeignKeyTriggers(conn);
    const rows = Object.fromEntries(SEED_TABLES.map((t) => [t, 0])) as Record<SeedTable, number>;
    const steps: SeedProgress[] = [];
    const startedAt = new Map<string, number>();
    const contextOn = (on: Kysely<Database>): SeedContext => ({
      rng,
      clock,
      counts,
      chunkRows,
      run: (text, table) => runStatement(on, text, table !== undefined && skipChecks.has(table), table === 'shared_thread_messages'),
      progress: (table, n) => options.onChunk?.({ table, rows: n, ms: performance.now() - (startedAt.get(table) ?? started) }),
    });
    const step = async (table: SeedTable | 'vacuum', fn: () => Promise<number>) => {
      startedAt.set(table, performance.now());
      const n = await fn();
      if (table !== 'vacuum') rows[table] = n;
      const progress = { table, rows: n, ms: performance.now() - startedAt.get(table)! };
      steps.push(progress);
      options.onProgress?.(progress);
    };

    // Each generator reads only tables committed before it starts: messages read the thread plan;
    // api_usage and attribution read threads; webhooks read appointments and customers; pending
    // links read threads and customers. Appointments and threads refer to customers by number
    // alone, so when their foreign keys are not checked they need not wait for customers.
    const a = contextOn(conn);
    const threads = async () => {
      await planThreads(a);
      return seedThreads(a);
    };
    let threadsDone: Promise<unknown> = Promise.resolve();
    // Attribution is loaded after appointments: the funnel rollup's triggers (migration
    // attribution_rollup_tables) recompute the revenue of every visit of a customer whose completed
    // jobs change, so appointments loaded after attribution re-walk the visits chunk by chunk (a
    // single 1M-row chunk ran for minutes); loaded before, each visit's revenue is computed once.
    let appointmentsLoaded!: () => void;
    const appointmentsDone = new Promise<void>((resolve) => (appointmentsLoaded = resolve));
    const laneA = async () => {
      await step('shared_thread_messages', () => seedMessages(a));
      await step('api_usage', () => seedApiUsage(a));
      await appointmentsDone;
      await step('attribution_data', () => seedAttribution(a));
    };
    const laneB = async (b: SeedContext) => {
      try {
        await step('appointments', () => seedAppointments(b));
      } finally {
        appointmentsLoaded();
      }
      await step('webhook_events', () => seedWebhookEvents(b));
      await threadsDone;
      await step('shared_thread_pending_links', () => seedPendingLinks(b));
    };
    const independent = skipChecks.has('shared_threads') && skipChecks.has('appointments');
    if (concurrency === 2 && independent) {
      await db.connection().execute(async (connB) => {
        const b = contextOn(connB);
        threadsDone = step('shared_threads', threads);
        await settled([threadsDone.then(laneA), step('customers', () => seedCustomers(b)).then(() => laneB(b))]);
      });
    } else {
      await step('customers', () => seedCustomers(a));
      await step('shared_threads', threads);
      if (concurrency === 2) await db.connection().execute((connB) => settled([laneA(), laneB(contextOn(connB))]));
      else {
        await laneB(a);
        await laneA();
      }
    }
    if (skipChecks.has('attribution_data') || skipChecks.has('appointments')) await rebuildAttributionFunnel(conn);
    await syncIdentitySequences(conn);
    if (options.vacuum !== false) {
      await step('vacuum', async () => {
        const vacuum = async (on: Kysely<Database>, tables: readonly SeedTable[]) => {
          // Room for merging the GIN pending lists the inserts filled (see runStatement). No time
          // limit: VACUUM cannot run in a transaction (so not under SET LOCAL like the loads), and
          // a database whose defaults are the app's limits (README, Deploying) would cancel it
          // after 10 s at 10M rows.
          await sql`SET maintenance_work_mem = '256MB'`.execute(on);
          await sql`SET statement_timeout = 0`.execute(on);
          try {
            await sql.raw(`VACUUM (ANALYZE) ${tables.join(', ')}`).execute(on);
          } finally {
            await sql`RESET maintenance_work_mem`.execute(on);
            await sql`RESET statement_timeout`.execute(on);
          }
        };
        const laneATables = ['shared_thread_messages', 'customers', 'shared_threads', 'attribution_data'] as const;
        const laneBTables = SEED_TABLES.filter((t) => !(laneATables as readonly string[]).includes(t));
        if (concurrency === 2) {
          await db.connection().execute((connB) => settled([vacuum(conn, laneATables), vacuum(connB, laneBTables)]));
        } else await vacuum(conn, SEED_TABLES);
        return Object.values(rows).reduce((x, y) => x + y, 0);
      });
    }
    return { scale, seed, anchor: clock.anchor, timeZone, counts, rows, steps, totalMs: performance.now() - started };
  });
}

/** Waits for every lane (a connection is only released once its lane is done), then throws the first error. */
async function settled(lanes: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(lanes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** One statement, one short transaction, with bulk-load settings that end with it. */
async function runStatement(
  conn: Kysely<Database>,
  text: string,
  skipForeignKeyChecks: boolean,
  ownThreadSummaries = false,
): Promise<number> {
  return conn.transaction().execute(async (trx) => {
    // The seeder writes each thread's summary with the thread (the tests check it against the
    // messages), so migration 0010's summary triggers are told to stand aside.
    if (ownThreadSummaries) await sql`SET LOCAL app.thread_summaries = 'off'`.execute(trx);
    // Foreign-key checks are triggers, which replica mode does not fire (as pg_restore's
    // --disable-triggers): ~10 us per row and per reference saved.
    if (skipForeignKeyChecks) await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql`SET LOCAL synchronous_commit = off`.execute(trx);
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
    // The generated statements are huge expressions: LLVM would spend seconds compiling each one.
    await sql`SET LOCAL jit = off`.execute(trx);
    // The trigram GIN indexes take new entries into their pending list, merged in bulk by the
    // final VACUUM, instead of merging every 4 MB.
    await sql`SET LOCAL gin_pending_list_limit = '512MB'`.execute(trx);
    // Marked, so the Database page's slow-query check can tell a bulk load from the app's queries.
    const result = await sql.raw(`${SEED_MARKER} ${text}`).execute(trx);
    return Number(result.numAffectedRows ?? 0);
  });
}

/**
 * Seed tables whose triggers are all internal (foreign-key checks), when this role may set
 * session_replication_role (a superuser: the local and embedded databases). Empty otherwise.
 */
async function tablesWithOnlyForeignKeyTriggers(conn: Kysely<Database>): Promise<Set<string>> {
  const { rows } = await sql<{ superuser: boolean; triggered: string[] }>`
    select current_setting('is_superuser') = 'on' as superuser,
           array(select distinct c.relname::text from pg_trigger t join pg_class c on c.oid = t.tgrelid
                 where not t.tgisinternal and c.relnamespace = current_schema()::regnamespace
                   -- 0010's thread-summary triggers stand aside for the seeder anyway (app.thread_summaries).
                   and t.tgname not like 'shared\_thread\_messages\_summary\_%'
                   -- The attribution funnel's triggers stand aside too: the seeder rebuilds that rollup
                   -- once at the end (rebuildAttributionFunnel), instead of per chunk.
                   and t.tgname not like 'attribution\_funnel\_%') as triggered`.execute(conn);
  const { superuser, triggered } = rows[0]!;
  if (!superuser) return new Set();
  return new Set(SEED_TABLES.filter((t) => !triggered.includes(t)));
}

/**
 * attribution_data and appointments were loaded with their triggers off (session_replication_role
 * = replica): the funnel rollup of migration attribution_rollup_tables is recomputed from them in
 * one pass, as its backfill does (about 16 s at 1M rows), in the zone it is cut in.
 */
async function rebuildAttributionFunnel(conn: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ zone: string | null }>`
    select case when to_regprocedure('attribution_funnel_rebuild(text)') is not null
                then (select time_zone from attribution_funnel_settings) end as zone`.execute(conn);
  const zone = rows[0]?.zone;
  if (!zone) return;
  // Freshly loaded tables have no statistics yet: without them the rebuild's plans walk a
  // quarter of a million visitors by nested loops (it ran for over 4 minutes at 1M rows).
  await sql`ANALYZE attribution_data, appointments`.execute(conn);
  // Each converted visit sums its customer's completed jobs, found through an index on
  // appointments (customer_id) that migration 0002 provides. The bench seeds with 0002 rolled back,
  // and then that sum is a scan of every appointment per visit (the 1M-row rebuild ran for over
  // 10 minutes): a temporary index stands in for the rebuild's duration, where none exists.
  const { rows: covering } = await sql<{ n: number }>`
    select count(*)::int as n from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
     where i.indrelid = 'appointments'::regclass and a.attname = 'customer_id' and i.indisvalid`.execute(conn);
  const temporary = covering[0]!.n === 0;
  if (temporary)
    await sql`CREATE INDEX seed_rebuild_appointments_customer ON appointments (customer_id, date) WHERE status = 'completed'`.execute(conn);
  try {
    // In a transaction of its own with no statement timeout, like the seeder's loads: the bench seeds
    // again on a database whose defaults may carry the app's 10 s limit (its HTTP part sets them, and
    // a connection opened meanwhile keeps them), and at 10M rows this rebuild runs for minutes.
    await conn.transaction().execute(async (trx) => {
      await sql`SET LOCAL statement_timeout = 0`.execute(trx);
      await sql`CALL attribution_funnel_rebuild(${zone})`.execute(trx);
    });
  } finally {
    if (temporary) await sql`DROP INDEX IF EXISTS seed_rebuild_appointments_customer`.execute(conn);
  }
}

/** Ids were written explicitly: move each identity sequence past them so the app's inserts fit. */
async function syncIdentitySequences(conn: Kysely<Database>): Promise<void> {
  for (const table of ['customers', 'shared_thread_messages', 'appointments', 'api_usage', 'webhook_events', 'attribution_data']) {
    await sql.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${table}`).execute(conn);
  }
}
