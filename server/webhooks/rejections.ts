import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { RejectionReason } from '@/lib/contract/webhooks';

/** Detail rows kept per minute and reason; past it only the count grows (webhook_rejection_counts). */
export const REJECTIONS_PER_MINUTE = 60;
/** Rejected deliveries (and their counts) older than this are deleted by the worker. */
export const REJECTION_RETENTION_DAYS = 14;

export interface Rejection {
  reason: RejectionReason;
  detail: string;
  sourceIp: string | null;
  /** The body as received, when it was read at all (not for a body refused by its length). */
  rawBody: Uint8Array | null;
  /** Its length: the bytes read, or the declared Content-Length of a body too large to read. */
  bodyBytes: number;
}

/**
 * Records a refused delivery in one statement: the minute's counter for the reason goes up, and the
 * detail row is inserted only while that counter is within the cap. So a flood of forgeries grows
 * webhook_rejections by at most `cap` rows a minute per reason, while the counts stay exact. Only a
 * SHA-256 of the body is kept, never the body: a forged body is the sender's, not HousecallPro's.
 * Never throws: failing to log a refusal must not turn a 401 into a 500.
 */
export async function recordRejection(db: Db, r: Rejection, cap = REJECTIONS_PER_MINUTE): Promise<boolean> {
  const hash = r.rawBody ? createHash('sha256').update(r.rawBody).digest('hex') : null;
  try {
    const { rows } = await sql<{ id: number }>`
      with counted as (
        insert into webhook_rejection_counts as c (minute, reason, n)
        values (date_trunc('minute', now()), ${r.reason}, 1)
        on conflict (minute, reason) do update set n = c.n + 1
        returning n
      )
      insert into webhook_rejections (reason, detail, source_ip, body_sha256, body_bytes)
      select ${r.reason}, ${r.detail.slice(0, 500)}, ${r.sourceIp?.slice(0, 100) ?? null}, ${hash}, ${r.bodyBytes}
      from counted where counted.n <= ${cap}
      returning id`.execute(db);
    return rows.length > 0;
  } catch (err) {
    console.error('[webhooks] could not record a rejected delivery:', err);
    return false;
  }
}

/** Deletes rejections and counts past the retention period (received_at and primary-key ranges). */
export async function pruneRejections(db: Db, retentionDays = REJECTION_RETENTION_DAYS): Promise<number> {
  const cutoff = sql<Date>`now() - make_interval(days => ${retentionDays})`;
  const deleted = await db.deleteFrom('webhook_rejections').where('received_at', '<', cutoff).executeTakeFirst();
  await db.deleteFrom('webhook_rejection_counts').where('minute', '<', cutoff).execute();
  return Number(deleted.numDeletedRows);
}

/**
 * The sender's address as the proxy in front of the app reports it (first X-Forwarded-For hop,
 * else X-Real-IP). Informational only: a client can forge these headers if no proxy overwrites them.
 */
export function sourceAddress(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip')?.trim() || null;
}
