import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { REJECTION_REASONS, type RejectionReason } from '@/lib/contract/webhooks';

export interface RejectionCount {
  reason: RejectionReason;
  lastHour: number;
  lastDay: number;
}

/**
 * Refusals per reason over the last hour and day, from webhook_rejection_counts (exact, whether or
 * not the detail rows were kept under the cap): at most 1,440 rows per reason a day, primary key.
 */
export async function rejectionCounts(db: Db): Promise<RejectionCount[]> {
  const rows = await db
    .selectFrom('webhook_rejection_counts')
    .select([
      'reason',
      sql<number>`coalesce(sum(n) filter (where minute >= date_trunc('minute', now() - interval '1 hour')), 0)::int`.as('lastHour'),
      sql<number>`sum(n)::int`.as('lastDay'),
    ])
    .where('minute', '>=', sql<Date>`date_trunc('minute', now() - interval '1 day')`)
    .groupBy('reason')
    .execute();
  const by = new Map(rows.map((r) => [r.reason, r]));
  return REJECTION_REASONS.map((reason) => ({ reason, lastHour: by.get(reason)?.lastHour ?? 0, lastDay: by.get(reason)?.lastDay ?? 0 }));
}

export interface RejectionRow {
  id: number;
  receivedAt: Date;
  reason: RejectionReason;
  detail: string;
  sourceIp: string | null;
  bodySha256: string | null;
  bodyBytes: number;
}

/** The latest refused deliveries, newest first (primary key, backward). */
export async function listRejections(db: Db, p: { reason?: RejectionReason | null; limit: number }): Promise<RejectionRow[]> {
  return db
    .selectFrom('webhook_rejections')
    .select([
      'id',
      'received_at as receivedAt',
      'reason',
      'detail',
      'source_ip as sourceIp',
      'body_sha256 as bodySha256',
      'body_bytes as bodyBytes',
    ])
    .$if(!!p.reason, (qb) => qb.where('reason', '=', p.reason!))
    .orderBy('id', 'desc')
    .limit(p.limit)
    .execute();
}

export interface WebhookSecretFinding {
  severity: 'warning';
  title: string;
  detail: string;
  count: number;
  href: string;
}

/**
 * For the Database page's overview: deliveries refused for a bad signature in the last hour. A
 * few are background noise (scanners); a steady stream usually means HOUSECALLPRO_WEBHOOK_SECRET
 * differs from the secret HousecallPro signs with. Null when there were none.
 */
export async function webhookSecretFinding(db: Db): Promise<WebhookSecretFinding | null> {
  const row = await db
    .selectFrom('webhook_rejection_counts')
    .select(sql<number>`coalesce(sum(n), 0)::int`.as('n'))
    .where('reason', '=', 'bad_signature')
    .where('minute', '>=', sql<Date>`date_trunc('minute', now() - interval '1 hour')`)
    .executeTakeFirstOrThrow();
  if (row.n === 0) return null;
  return {
    severity: 'warning',
    count: row.n,
    title: `${row.n.toLocaleString('en-US')} ${row.n === 1 ? 'delivery' : 'deliveries'} rejected for bad signature in the last hour: is the secret right?`,
    detail:
      'HousecallPro signs each webhook with a shared secret. If HOUSECALLPRO_WEBHOOK_SECRET differs from the one in HousecallPro, every real delivery is refused.',
    href: '/webhooks#rejected-heading',
  };
}
