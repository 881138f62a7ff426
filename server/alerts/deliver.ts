import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { AlertLevel } from '@/lib/contract/analytics';
import type { AlertMailer } from './mailer';

/**
 * Delivers fired budget alerts: an email per alert (through the SMTP sender) and a signed POST to
 * ALERT_WEBHOOK_URL. Each (alert, channel) is a row of cost_alert_deliveries, claimed with a lease
 * (FOR UPDATE SKIP LOCKED, next_attempt_at moved past the lease) so concurrent jobs never send the
 * same one twice at once, and retried with exponential backoff until delivered or out of attempts.
 * A receiver may still see an alert twice (a crash after sending, before recording): the
 * X-Alert-Id header is the idempotency key.
 */

export interface DeliveryConfig {
  webhookUrl?: string;
  webhookSecret?: string;
  emailTo?: string[];
  mailer?: AlertMailer | null;
  maxAttempts?: number;
  /** First retry after this many seconds, doubling each time. */
  backoffSeconds?: number;
  timeoutMs?: number;
}

export const DELIVERY_DEFAULTS = { maxAttempts: 6, backoffSeconds: 30, timeoutMs: 10_000, leaseSeconds: 120 };

/** Configured channels, for queuing deliveries when an alert fires. */
export function channelsOf(cfg: DeliveryConfig): Array<'email' | 'webhook'> {
  const out: Array<'email' | 'webhook'> = [];
  if (cfg.mailer && cfg.emailTo?.length) out.push('email');
  if (cfg.webhookUrl && cfg.webhookSecret) out.push('webhook');
  return out;
}

export function deliveryConfigFromEnv(env: NodeJS.Dict<string>, mailer: AlertMailer | null): DeliveryConfig {
  const webhookUrl = env.ALERT_WEBHOOK_URL?.trim() || undefined;
  const webhookSecret = env.ALERT_WEBHOOK_SECRET?.trim() || undefined;
  if (webhookUrl && !webhookSecret) throw new Error('ALERT_WEBHOOK_URL is set without ALERT_WEBHOOK_SECRET: alerts are only sent signed');
  if (webhookUrl && !/^https?:\/\//.test(webhookUrl)) throw new Error('ALERT_WEBHOOK_URL must be an http(s):// URL');
  const emailTo = (env.ALERT_EMAIL_TO ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { webhookUrl, webhookSecret, emailTo, mailer };
}

/** HMAC-SHA256 over `${timestamp}.${body}`, hex: what X-Alert-Signature carries after "sha256=". */
export function signAlert(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

interface Claimed {
  alert_id: string;
  channel: 'email' | 'webhook';
  attempts: number;
  service: string;
  level: AlertLevel;
  period: string;
  spend_cents: string;
  threshold_cents: string;
  budget_cents: string;
  fired_at: Date;
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

export async function deliverDue(db: Db, cfg: DeliveryConfig, now = new Date()) {
  const maxAttempts = cfg.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts;
  const backoff = cfg.backoffSeconds ?? DELIVERY_DEFAULTS.backoffSeconds;
  // cost_alert_deliveries_due_idx: the due rows only.
  const { rows } = await sql<Claimed>`
    UPDATE cost_alert_deliveries d
       SET attempts = d.attempts + 1, next_attempt_at = ${now}::timestamptz + ${DELIVERY_DEFAULTS.leaseSeconds} * interval '1 second'
      FROM cost_alerts a
     WHERE a.id = d.alert_id
       AND (d.alert_id, d.channel) IN (
         SELECT alert_id, channel FROM cost_alert_deliveries
          WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= ${now}
          ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
    RETURNING d.alert_id, d.channel, d.attempts, a.service, a.level, a.period, a.spend_cents, a.threshold_cents, a.budget_cents, a.fired_at`.execute(
    db,
  );
  const result = { delivered: 0, failed: 0, gaveUp: 0 };
  for (const r of rows) {
    const alert = {
      id: Number(r.alert_id),
      service: r.service,
      level: r.level,
      period: r.period,
      spendCents: Number(r.spend_cents),
      thresholdCents: Number(r.threshold_cents),
      budgetCents: Number(r.budget_cents),
      firedAt: r.fired_at.toISOString(),
    };
    try {
      if (r.channel === 'webhook') await postWebhook(cfg, alert, now);
      else await sendEmail(cfg, alert);
      await sql`UPDATE cost_alert_deliveries SET delivered_at = ${now}, next_attempt_at = NULL, last_error = NULL
                WHERE alert_id = ${r.alert_id} AND channel = ${r.channel}`.execute(db);
      result.delivered++;
    } catch (e) {
      const last = r.attempts >= maxAttempts;
      const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      await sql`UPDATE cost_alert_deliveries
                   SET last_error = ${message},
                       next_attempt_at = ${last ? null : new Date(now.getTime() + backoff * 1000 * 2 ** (r.attempts - 1))}
                 WHERE alert_id = ${r.alert_id} AND channel = ${r.channel}`.execute(db);
      if (last) result.gaveUp++;
      else result.failed++;
    }
  }
  return result;
}

type AlertPayload = {
  id: number;
  service: string;
  level: AlertLevel;
  period: string;
  spendCents: number;
  thresholdCents: number;
  budgetCents: number;
  firedAt: string;
};

async function postWebhook(cfg: DeliveryConfig, alert: AlertPayload, now: Date) {
  if (!cfg.webhookUrl || !cfg.webhookSecret) throw new Error('ALERT_WEBHOOK_URL / ALERT_WEBHOOK_SECRET are no longer set');
  const body = JSON.stringify({ type: 'cost.budget_alert', alert });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const res = await fetch(cfg.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-alert-id': String(alert.id),
      'x-alert-timestamp': timestamp,
      'x-alert-signature': `sha256=${signAlert(cfg.webhookSecret, timestamp, body)}`,
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(cfg.timeoutMs ?? DELIVERY_DEFAULTS.timeoutMs),
  });
  await res.body?.cancel();
  if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered ${res.status}`);
}

async function sendEmail(cfg: DeliveryConfig, alert: AlertPayload) {
  if (!cfg.mailer || !cfg.emailTo?.length) throw new Error('no mail sender or ALERT_EMAIL_TO configured');
  const who = alert.service === '*' ? 'Total API spend' : `API spend on ${alert.service}`;
  const what =
    alert.level === 'spike'
      ? `${who} on ${alert.period} is ${money(alert.spendCents)}, above the spike limit of ${money(alert.thresholdCents)} (its trailing 7-day average times the multiplier).`
      : `${who} in ${alert.period} has reached ${money(alert.spendCents)}: past the ${alert.level} level of ${money(alert.thresholdCents)} (budget ${money(alert.budgetCents)}).`;
  await cfg.mailer.sendMail({
    to: cfg.emailTo.join(', '),
    subject: `[cost ${alert.level}] ${who}: ${money(alert.spendCents)}`,
    text: `${what}\n\nSee the Cost analytics page for the breakdown and the alert history.`,
  });
}
