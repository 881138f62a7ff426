import { sql } from 'kysely';
import type { Db } from '@/db/client';

export type DbNode = 'primary' | 'replica';

export interface ReplicaStatus {
  /** Where reads go now. */
  node: DbNode;
  /** The replica's replay lag in ms when it answered; null when it did not. */
  lagMs: number | null;
  /** WAL the primary has written that the replica has not replayed yet, in bytes; null when unknown. */
  lagBytes: number | null;
  /** Why reads are on the primary, when they are. */
  reason: string | null;
}

export interface ReplicaRouter {
  readonly maxLagMs: number;
  /** The database a read-only procedure should use now, and which node that is. */
  pick(): Promise<{ db: Db; status: ReplicaStatus }>;
  /** A read on the replica failed for want of the replica: use the primary until the next check. */
  markDown(reason: string): void;
}

/**
 * Reads go to the replica while it answers within `checkTimeoutMs` and replays within `maxLagMs`;
 * otherwise to the primary, and back once a later check passes. The check costs one query per
 * `checkEveryMs` per process, not one per request.
 */
export function createReplicaRouter(options: {
  primary: Db;
  replica: Db;
  maxLagMs: number;
  checkEveryMs?: number;
  checkTimeoutMs?: number;
}): ReplicaRouter {
  const { primary, replica, maxLagMs } = options;
  const checkEveryMs = options.checkEveryMs ?? 1_000;
  const checkTimeoutMs = options.checkTimeoutMs ?? 500;
  let status: ReplicaStatus = { node: 'primary', lagMs: null, lagBytes: null, reason: 'not checked yet' };
  let checkedAt = 0;
  let inFlight: Promise<void> | null = null;

  async function check(): Promise<void> {
    try {
      const lag = await withTimeout(
        primaryLsn(primary).then((lsn) => replicaLag(replica, lsn)),
        checkTimeoutMs,
        `no answer within ${checkTimeoutMs} ms`,
      );
      status =
        lag === null
          ? { node: 'primary', lagMs: null, lagBytes: null, reason: 'the replica URL points at a primary (not in recovery)' }
          : lag.ms > maxLagMs
            ? {
                node: 'primary',
                lagMs: lag.ms,
                lagBytes: lag.bytes,
                reason: `the replica is ${Math.round(lag.ms)} ms behind (limit ${maxLagMs} ms)`,
              }
            : { node: 'replica', lagMs: lag.ms, lagBytes: lag.bytes, reason: null };
    } catch (err) {
      status = {
        node: 'primary',
        lagMs: null,
        lagBytes: null,
        reason: `the replica is unreachable: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    checkedAt = Date.now();
  }

  return {
    maxLagMs,
    async pick() {
      if (Date.now() - checkedAt >= checkEveryMs) {
        inFlight ??= check().finally(() => (inFlight = null));
        await inFlight;
      }
      return { db: status.node === 'replica' ? replica : primary, status };
    },
    markDown(reason) {
      status = { node: 'primary', lagMs: null, lagBytes: null, reason };
      checkedAt = Date.now();
    },
  };
}

/**
 * Replay lag of a standby in ms, or null when the server is not in recovery. 0 when it has replayed
 * everything the primary had written when we asked (`primaryLsn`); otherwise the age of the last
 * transaction it replayed, which grows while replay is paused or the stream is cut. (Comparing with
 * the standby's own receive position alone would call a standby whose stream is down "caught up".)
 */
export async function replicaLagMs(db: Db, primaryLsn: string | null = null): Promise<number | null> {
  return (await replicaLag(db, primaryLsn))?.ms ?? null;
}

/**
 * The same lag in ms, and in bytes of WAL not yet replayed: from the primary's position when known
 * (`primaryLsn`), else from what the standby has received. null when not in recovery.
 */
export async function replicaLag(db: Db, primaryLsn: string | null = null): Promise<{ ms: number; bytes: number | null } | null> {
  const { rows } = await sql<{ recovery: boolean; lag: number | null; bytes: number | null }>`
    select pg_is_in_recovery() as recovery,
           case when ${primaryLsn}::pg_lsn is not null and pg_last_wal_replay_lsn() >= ${primaryLsn}::pg_lsn then 0
                when ${primaryLsn}::pg_lsn is null and pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn() then 0
                else coalesce(extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000, 0)
           end::float8 as lag,
           greatest(pg_wal_lsn_diff(coalesce(${primaryLsn}::pg_lsn, pg_last_wal_receive_lsn()), pg_last_wal_replay_lsn()), 0)::float8
             as bytes`.execute(db);
  const row = rows[0];
  if (!row?.recovery) return null;
  return { ms: row.lag ?? 0, bytes: row.bytes };
}

/** The primary's current WAL position (null if it cannot say: then the standby's own view is used). */
async function primaryLsn(db: Db): Promise<string | null> {
  try {
    const { rows } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(db);
    return rows[0]?.lsn ?? null;
  } catch {
    return null;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}

/** Errors that mean "the replica is not there", as opposed to a bad query. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  const code = e?.code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08003'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect/.test(e?.message ?? '')
  );
}
