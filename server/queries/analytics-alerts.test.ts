import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/db/client';
import { loadMigrationFiles, runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { deliverDue, signAlert } from '@/server/alerts/deliver';
import { activeAlerts, alertHistory, evaluateBudgets } from './analytics-alerts';
import { budgetStatus, setBudget } from './analytics-budgets';

const TZ = 'America/Chicago';
/** 12:00 CST on Thursday 2025-11-20. */
const NOW = new Date('2025-11-20T18:00:00Z');

let s: ScratchDatabase;
let db: Db;

beforeAll(async () => {
  s = await createScratchDatabase('alerts');
  db = s.db;
  await runMigrations(db, { files: loadMigrationFiles() });
});
afterAll(() => s?.drop());

beforeEach(async () => {
  await sql`TRUNCATE api_usage, cost_budgets, cost_alerts, cost_alert_deliveries`.execute(db);
});

/** `cents` on each local day [from, to] of `service`, at local noon. */
async function spend(service: string, from: string, to: string, cents: number) {
  await sql`INSERT INTO api_usage (service, endpoint, estimated_cost_cents, created_at)
            SELECT ${service}, '/x', ${cents}, (d + time '12:00')::timestamp AT TIME ZONE ${TZ}
            FROM generate_series(${from}::date, ${to}::date, interval '1 day') d`.execute(db);
}

describe('budget status', () => {
  it('spend this month (today included) and the projection equal independent SQL sums', async () => {
    await spend('openai', '2025-10-25', '2025-11-19', 1000);
    await spend('openai', '2025-11-20', '2025-11-20', 123.4567);
    await spend('twilio_sms', '2025-11-01', '2025-11-19', 300);
    await setBudget(
      db,
      { service: 'openai', monthlyCents: 30_000, warnPercent: 80, alertPercent: 100, spikeMultiplier: null },
      'admin@example.com',
    );
    await setBudget(
      db,
      { service: '*', monthlyCents: 50_000, warnPercent: 50, alertPercent: 90, spikeMultiplier: null },
      'admin@example.com',
    );
    const r = await budgetStatus(db, { timeZone: TZ, now: NOW });
    const { rows } = await sql<{ month: string; week: string; today: string }>`
      SELECT sum(estimated_cost_cents) FILTER (WHERE created_at >= '2025-11-01T05:00:00Z')::text AS month,
             sum(estimated_cost_cents) FILTER (WHERE created_at >= '2025-11-13T06:00:00Z' AND created_at < '2025-11-20T06:00:00Z')::text AS week,
             sum(estimated_cost_cents) FILTER (WHERE created_at >= '2025-11-20T06:00:00Z')::text AS today
      FROM api_usage WHERE service = 'openai'`.execute(db);
    const openai = r.budgets.find((b) => b.service === 'openai')!;
    expect(openai.spentCents).toBe(Number(rows[0]!.month));
    expect(openai.todayCents).toBe(Number(rows[0]!.today));
    // 19 complete days + the week's average x 11 days left (today included).
    expect(openai.projectedCents).toBeCloseTo(19 * 1000 + (Number(rows[0]!.week) / 7) * 11, 6);
    expect(openai.level).toBe('ok'); // 19,123 of 30,000: under 80%
    expect(openai.projectedLevel).toBe('alert'); // 30,000 projected: at 100%
    const total = r.budgets.find((b) => b.service === '*')!;
    expect(total.spentCents).toBe(Number(rows[0]!.month) + 19 * 300);
    expect(total.level).toBe('ok');
    expect(r.budgets.map((b) => b.service)).toEqual(['*', 'openai']);
  });
});

describe('evaluateBudgets', () => {
  it('fires each level once per period, survives a restart, and never fires for an un-budgeted service', async () => {
    await spend('openai', '2025-11-01', '2025-11-19', 1000); // 19,000 this month
    await spend('deepgram', '2025-11-01', '2025-11-19', 100_000); // no budget: never an alert
    await setBudget(db, { service: 'openai', monthlyCents: 20_000, warnPercent: 80, alertPercent: 100, spikeMultiplier: null }, 'a');
    const first = await evaluateBudgets(db, { timeZone: TZ, now: NOW, channels: ['webhook'] });
    expect(first.map((a) => [a.service, a.level, a.period])).toEqual([['openai', 'warning', '2025-11']]);
    expect(await evaluateBudgets(db, { timeZone: TZ, now: NOW, channels: ['webhook'] })).toEqual([]);

    // Crossing 100% later the same month fires the alert level, once; a new process (a fresh pool) does not repeat anything.
    await spend('openai', '2025-11-20', '2025-11-20', 1500);
    const restarted = createDb(s.url, { max: 2 });
    try {
      const second = await evaluateBudgets(restarted, { timeZone: TZ, now: NOW, channels: ['webhook'] });
      expect(second.map((a) => a.level)).toEqual(['alert']);
      expect(await evaluateBudgets(restarted, { timeZone: TZ, now: new Date('2025-11-21T18:00:00Z'), channels: ['webhook'] })).toEqual([]);
    } finally {
      await restarted.destroy();
    }
    // Two evaluations at once still fire once (the UNIQUE key, not a read-then-write check).
    await spend('openai', '2025-12-01', '2025-12-01', 30_000);
    const dec = new Date('2025-12-01T20:00:00Z');
    const both = await Promise.all([1, 2, 3].map(() => evaluateBudgets(db, { timeZone: TZ, now: dec, channels: [] })));
    expect(
      both
        .flat()
        .map((a) => `${a.level} ${a.period}`)
        .sort(),
    ).toEqual(['alert 2025-12', 'warning 2025-12']);
    const history = await alertHistory(db, { limit: 50 });
    // Newest first.
    expect(history.map((h) => `${h.service} ${h.level} ${h.period}`)).toEqual([
      'openai alert 2025-12',
      'openai warning 2025-12',
      'openai alert 2025-11',
      'openai warning 2025-11',
    ]);
    expect(history.some((h) => h.service === 'deepgram')).toBe(false);
    // The banner: this month's alert, its warning not repeated.
    expect((await activeAlerts(db, { timeZone: TZ, now: dec })).map((a) => `${a.service} ${a.level}`)).toEqual(['openai alert']);
  });

  it('a spike: a day above N x its trailing 7-day average', async () => {
    await spend('twilio_sms', '2025-11-10', '2025-11-19', 100);
    await spend('twilio_sms', '2025-11-20', '2025-11-20', 250); // today so far, 2.5x
    await setBudget(db, { service: 'twilio_sms', monthlyCents: 1_000_000, warnPercent: 80, alertPercent: 100, spikeMultiplier: 3 }, 'a');
    expect(await evaluateBudgets(db, { timeZone: TZ, now: NOW, channels: [] })).toEqual([]);
    await spend('twilio_sms', '2025-11-20', '2025-11-20', 60); // 310 > 300
    const fired = await evaluateBudgets(db, { timeZone: TZ, now: NOW, channels: [] });
    expect(fired.map((a) => [a.level, a.period, a.spendCents, a.thresholdCents])).toEqual([['spike', '2025-11-20', 310, 300]]);
  });
});

describe('deliverDue', () => {
  it('POSTs a signed alert to the webhook, retrying with backoff until it is accepted, and emails once', async () => {
    const secret = 'whsec-test-0123456789';
    const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    let failuresLeft = 2;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = failuresLeft-- > 0 ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const mails: Array<{ to: string; subject: string; text: string }> = [];
    const cfg = {
      webhookUrl: url,
      webhookSecret: secret,
      emailTo: ['owner@example.com'],
      mailer: { sendMail: async (m: (typeof mails)[number]) => void mails.push(m) },
      backoffSeconds: 30,
    };
    try {
      await spend('openai', '2025-11-01', '2025-11-19', 1000);
      await setBudget(db, { service: 'openai', monthlyCents: 20_000, warnPercent: 80, alertPercent: 100, spikeMultiplier: null }, 'a');
      const [alert] = await evaluateBudgets(db, { timeZone: TZ, now: NOW, channels: ['email', 'webhook'] });
      let t = NOW.getTime();
      expect(await deliverDue(db, cfg, new Date(t))).toEqual({ delivered: 1, failed: 1, gaveUp: 0 }); // email ok, webhook 503
      // Not due again before its backoff (30 s), then due.
      expect(await deliverDue(db, cfg, new Date(t + 10_000))).toEqual({ delivered: 0, failed: 0, gaveUp: 0 });
      t += 30_000;
      expect(await deliverDue(db, cfg, new Date(t))).toEqual({ delivered: 0, failed: 1, gaveUp: 0 });
      t += 60_000; // doubled
      expect(await deliverDue(db, cfg, new Date(t))).toEqual({ delivered: 1, failed: 0, gaveUp: 0 });
      expect(await deliverDue(db, cfg, new Date(t + 3_600_000))).toEqual({ delivered: 0, failed: 0, gaveUp: 0 });

      expect(received).toHaveLength(3);
      for (const r of received) {
        const ts = String(r.headers['x-alert-timestamp']);
        expect(r.headers['x-alert-signature']).toBe(`sha256=${signAlert(secret, ts, r.body)}`);
        expect(r.headers['x-alert-signature']).not.toBe(`sha256=${signAlert('wrong', ts, r.body)}`);
        expect(r.headers['x-alert-id']).toBe(String(alert!.id));
        expect(JSON.parse(r.body)).toMatchObject({
          type: 'cost.budget_alert',
          alert: { service: 'openai', level: 'warning', period: '2025-11', spendCents: 19_000, budgetCents: 20_000 },
        });
      }
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ to: 'owner@example.com', subject: '[cost warning] API spend on openai: $190.00' });
      const [h] = await alertHistory(db, { limit: 1 });
      expect(h!.deliveries.map((d) => [d.channel, d.attempts, d.deliveredAt !== null, d.lastError])).toEqual([
        ['email', 1, true, null],
        ['webhook', 3, true, null],
      ]);
    } finally {
      server.close();
    }
  });

  it('gives up after the last attempt and records why', async () => {
    await spend('openai', '2025-11-01', '2025-11-19', 1000);
    await setBudget(db, { service: 'openai', monthlyCents: 20_000, warnPercent: 80, alertPercent: 100, spikeMultiplier: null }, 'a');
    await evaluateBudgets(db, { timeZone: TZ, now: NOW, channels: ['webhook'] });
    // Port 9 on loopback: connection refused.
    const cfg = { webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: 'x', maxAttempts: 2, backoffSeconds: 1 };
    expect(await deliverDue(db, cfg, NOW)).toEqual({ delivered: 0, failed: 1, gaveUp: 0 });
    expect(await deliverDue(db, cfg, new Date(NOW.getTime() + 5_000))).toEqual({ delivered: 0, failed: 0, gaveUp: 1 });
    expect(await deliverDue(db, cfg, new Date(NOW.getTime() + 86_400_000))).toEqual({ delivered: 0, failed: 0, gaveUp: 0 });
    const [h] = await alertHistory(db, { limit: 1 });
    expect(h!.deliveries[0]).toMatchObject({ channel: 'webhook', attempts: 2, deliveredAt: null });
    expect(h!.deliveries[0]!.lastError).toBeTruthy();
  });
});
