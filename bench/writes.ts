import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { NewApiUsage, NewSharedThreadMessage } from '@/db/schema';
import { median } from './stats';

/**
 * Insert throughput of the two tables that take writes all day: messages and API usage rows.
 * Rows are stamped now (today's rollup row, the right end of every index), and deleted again
 * after each measurement in the same trigger state they were inserted in, so the data set the
 * other phases read is unchanged and any rollup stays exact.
 */

export type WriteTable = 'shared_thread_messages' | 'api_usage';
export const WRITE_TABLES: readonly WriteTable[] = ['shared_thread_messages', 'api_usage'];

export interface WriteSample {
  singleRowsPerSec: number;
  batchRowsPerSec: number;
}

export interface WritePlan {
  /** Each figure is the median of this many rounds (singleRows and batches are split across them). */
  rounds: number;
  singleRows: number;
  batches: number;
  batchSize: number;
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
    thread_id: null,
  };
}

/** User triggers (not FK triggers) on a table: the rollup trigger of migration 0005, for one. */
export async function userTriggers(db: Db, table: WriteTable): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select tgname as name from pg_trigger
    where tgrelid = ${table}::regclass and not tgisinternal order by tgname`.execute(db);
  return rows.map((r) => r.name);
}

export async function setUserTriggers(db: Db, table: WriteTable, enabled: boolean): Promise<void> {
  await sql.raw(`ALTER TABLE ${table} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER USER`).execute(db);
}

/**
 * Single-row INSERTs, each its own transaction, then 1,000-row INSERTs, on one connection with
 * synchronous_commit off: otherwise every commit waits for the WAL flush (milliseconds on a
 * virtual disk, see commitLatency), which is the same with or without indexes and drowns them.
 */
export async function measureInserts(db: Db, table: WriteTable, fx: WriteFixtures, plan: WritePlan): Promise<WriteSample> {
  const before = await maxId(db, table);
  try {
    return await db.connection().execute(async (conn) => {
      await sql`SET synchronous_commit = off`.execute(conn);
      try {
        // A few unmeasured inserts: plan cache, the index pages at the right edge.
        for (let i = 0; i < 20; i++) await conn.insertInto(table).values(row(table, fx, i) as never).execute();
        let t0 = performance.now();
        for (let i = 0; i < plan.singleRows; i++) await conn.insertInto(table).values(row(table, fx, i) as never).execute();
        const singleRowsPerSec = plan.singleRows / ((performance.now() - t0) / 1000);
        const batch = (k: number) => Array.from({ length: plan.batchSize }, (_, i) => row(table, fx, k * plan.batchSize + i));
        await conn.insertInto(table).values(batch(0) as never).execute();
        t0 = performance.now();
        for (let k = 1; k <= plan.batches; k++) await conn.insertInto(table).values(batch(k) as never).execute();
        const batchRowsPerSec = (plan.batches * plan.batchSize) / ((performance.now() - t0) / 1000);
        return { singleRowsPerSec, batchRowsPerSec };
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
      await db.insertInto(table).values(row(table, fx, i) as never).execute();
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
