import { sql } from 'kysely';
import type { Db } from '@/db/client';

export interface BucketWindow {
  bucket: string;
  windowSeconds: number;
}

export interface BucketCount {
  bucket: string;
  count: number;
  oldest: Date | null;
  newest: Date | null;
}

/**
 * Events of each bucket within its window, and the database clock they were measured by: one
 * statement. Index: security_limit_events_bucket_at_idx (bucket, at), one range scan per bucket
 * (Index Only Scan over at most a window of that bucket's rows).
 */
export async function limitCounts(db: Db, windows: BucketWindow[]): Promise<{ now: Date; counts: Map<string, BucketCount> }> {
  const { rows } = await limitCountsSql(windows).execute(db);
  const counts = new Map<string, BucketCount>();
  let now = new Date();
  for (const r of rows) {
    now = r.now;
    counts.set(r.bucket, { bucket: r.bucket, count: r.n, oldest: r.oldest, newest: r.newest });
  }
  return { now, counts };
}

export function limitCountsSql(windows: BucketWindow[]) {
  const buckets = windows.map((w) => w.bucket);
  const seconds = windows.map((w) => w.windowSeconds);
  return sql<{ bucket: string; n: number; oldest: Date | null; newest: Date | null; now: Date }>`
    SELECT b.bucket, count(e.at)::int AS n, min(e.at) AS oldest, max(e.at) AS newest, now() AS now
      FROM unnest(${buckets}::text[], ${seconds}::int[]) AS b(bucket, secs)
      LEFT JOIN LATERAL (
            SELECT e.at FROM security_limit_events e
             WHERE e.bucket = b.bucket AND e.at > now() - make_interval(secs => b.secs)
           ) e ON true
     GROUP BY b.bucket
  `;
}

/** Counts one event in each bucket, and forgets those buckets' events older than `keepSeconds`. */
export async function recordLimitEvents(db: Db, buckets: string[], keepSeconds = 24 * 3600): Promise<void> {
  if (buckets.length === 0) return;
  await db
    .insertInto('security_limit_events')
    .values(buckets.map((bucket) => ({ bucket })))
    .execute();
  await db
    .deleteFrom('security_limit_events')
    .where('bucket', 'in', buckets)
    .where('at', '<', sql<Date>`now() - make_interval(secs => ${keepSeconds})`)
    .execute();
}

/** Forgets every event of these buckets (a successful sign-in clears its own failures). */
export async function clearLimitEvents(db: Db, buckets: string[]): Promise<void> {
  if (buckets.length === 0) return;
  await db.deleteFrom('security_limit_events').where('bucket', 'in', buckets).execute();
}

/** Serializes writers of one bucket until the transaction ends (transaction-scoped: pooler-safe). */
export async function lockBucket(trx: Db, bucket: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${bucket}, 17))`.execute(trx);
}
