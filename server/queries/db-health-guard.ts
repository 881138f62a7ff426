import { type Kysely, sql, type Transaction } from 'kysely';
import type { Db } from '@/db/client';
import type { Database } from '@/db/schema';

/**
 * Every read of the health page runs in its own short transaction with these limits, so the page
 * answers while a migration (or anything else) holds an ACCESS EXCLUSIVE lock: a blocked read gives
 * up after `lockTimeoutMs` and the section says what it could not read instead of hanging.
 */
export interface Guard {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

export const DEFAULT_GUARD: Guard = { lockTimeoutMs: 500, statementTimeoutMs: 2_000 };

export type Trx = Transaction<Database>;

/** Runs `fn` in a read-only transaction with SET LOCAL lock_timeout and statement_timeout. */
export function guarded<T>(db: Db, fn: (trx: Trx) => Promise<T>, guard: Guard = DEFAULT_GUARD): Promise<T> {
  return db
    .transaction()
    .setAccessMode('read only')
    .execute(async (trx) => {
      await setLimits(trx, guard);
      return fn(trx);
    });
}

export async function setLimits(trx: Kysely<Database>, guard: Guard): Promise<void> {
  // set_config(..., true) is SET LOCAL with bind parameters: gone at COMMIT or ROLLBACK.
  await sql`select set_config('lock_timeout', ${`${guard.lockTimeoutMs}ms`}, true),
                   set_config('statement_timeout', ${`${guard.statementTimeoutMs}ms`}, true)`.execute(trx);
}

/** PostgreSQL's SQLSTATE for "canceling statement due to lock timeout". */
export const LOCK_NOT_AVAILABLE = '55P03';
export const QUERY_CANCELED = '57014';

export function sqlState(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

/** One line a person can act on: why a read failed. */
export function describeError(err: unknown, guard: Guard = DEFAULT_GUARD): string {
  const code = sqlState(err);
  if (code === LOCK_NOT_AVAILABLE) {
    return `waited ${guard.lockTimeoutMs} ms for a lock and gave up: another session holds (or is queued for) an exclusive lock, e.g. a migration`;
  }
  if (code === QUERY_CANCELED) return `took longer than ${guard.statementTimeoutMs} ms and was cancelled`;
  return err instanceof Error ? err.message : String(err);
}

/** A section's data, or why it could not be read; `problems` lists what was left out of partial data. */
export type Section<T> = { ok: true; data: T; problems: string[] } | { ok: false; problems: string[] };

export async function readSection<T>(
  what: string,
  read: () => Promise<{ data: T; problems: string[] }>,
  guard: Guard = DEFAULT_GUARD,
): Promise<Section<T>> {
  try {
    const { data, problems } = await read();
    return { ok: true, data, problems };
  } catch (err) {
    return { ok: false, problems: [`Could not read ${what}: ${describeError(err, guard)}.`] };
  }
}

// ---- Locks ---------------------------------------------------------------------------------

export interface BlockingLock {
  /** The table whose reads would wait (for a lock on an index: the index's table). */
  table: string;
  /** The locked relation itself (a table or an index). */
  relation: string;
  mode: string;
  /** False: queued for the lock; every later reader of the table queues behind it too. */
  granted: boolean;
  pid: number;
  blockedBy: number[];
  query: string | null;
  state: string | null;
  /** Seconds since the holder's transaction began. */
  seconds: number | null;
}

/**
 * Locks held or awaited by other sessions that a plain read (ACCESS SHARE) of a table would queue
 * behind: only ACCESS EXCLUSIVE conflicts with it, but a *waiting* request counts too, since later
 * lockers line up behind it. Reads pg_locks and pg_class only, so it never waits itself.
 */
export async function blockingLocks(trx: Kysely<Database>): Promise<BlockingLock[]> {
  const { rows } = await sql<BlockingLock>`
    select coalesce(t.relname, c.relname) as "table", c.relname as relation, l.mode, l.granted, l.pid,
           case when l.granted then '{}'::int[] else pg_blocking_pids(l.pid) end as "blockedBy",
           left(a.query, 300) as query, a.state,
           extract(epoch from now() - a.xact_start)::float8 as seconds
      from pg_locks l
      join pg_class c on c.oid = l.relation
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_index i on i.indexrelid = c.oid
      left join pg_class t on t.oid = i.indrelid
      left join pg_stat_activity a on a.pid = l.pid
     where l.locktype = 'relation'
       and l.database = (select oid from pg_database where datname = current_database())
       and l.pid <> pg_backend_pid()
       and l.mode = 'AccessExclusiveLock'
       and n.nspname = current_schema()
     order by l.granted desc, a.xact_start`.execute(trx);
  return rows;
}

export function describeLock(l: BlockingLock): string {
  const who = `pid ${l.pid}${l.query ? ` (${oneLine(l.query, 80)})` : ''}`;
  const since = l.seconds !== null ? ` for ${Math.round(l.seconds)} s` : '';
  return l.granted
    ? `${l.relation} is locked ACCESS EXCLUSIVE by ${who}${since}`
    : `${who} is queued for ACCESS EXCLUSIVE on ${l.relation}${since}${l.blockedBy.length ? `, behind pid ${l.blockedBy.join(', ')}` : ''}; reads of ${l.table} queue behind it`;
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
