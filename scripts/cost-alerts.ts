/**
 * `npm run alerts`: evaluates the cost budgets and sends their alerts (server/alerts/job.ts).
 *   tsx scripts/cost-alerts.ts              every --interval-seconds (default 60) until SIGINT/SIGTERM
 *   tsx scripts/cost-alerts.ts --once       one pass, then exit (cron)
 * Env: DATABASE_URL, BUSINESS_TIME_ZONE, ALERT_WEBHOOK_URL + ALERT_WEBHOOK_SECRET (signed POSTs),
 * ALERT_EMAIL_TO (comma-separated; needs the SMTP sender, see server/alerts/mailer.ts).
 */
import { openDatabase } from '../db/connect';
import { deliveryConfigFromEnv } from '../server/alerts/deliver';
import { runAlertPass } from '../server/alerts/job';
import { alertMailer } from '../server/alerts/mailer';
import { businessTimeZone } from '../server/env';

const arg = process.argv.find((a) => a.startsWith('--interval-seconds='));
const intervalSeconds = arg ? Number(arg.split('=')[1]) : 60;
if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1) {
  console.error('--interval-seconds must be a positive whole number');
  process.exit(2);
}

const cfg = deliveryConfigFromEnv(process.env, alertMailer());
if (cfg.emailTo?.length && !cfg.mailer) console.log('ALERT_EMAIL_TO is set but no mail sender is wired in: alerts go to the webhook only.');
const opened = await openDatabase({ max: 2, applicationName: 'cost-alerts' });
const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

async function pass() {
  const r = await runAlertPass(opened.db, cfg, { timeZone: businessTimeZone() });
  for (const a of r.fired) log(`fired ${a.level} for ${a.service} (${a.period}): ${a.spendCents} of ${a.budgetCents} cents`);
  if (r.delivered || r.failed || r.gaveUp) log(`deliveries: ${r.delivered} sent, ${r.failed} to retry, ${r.gaveUp} given up`);
}

if (process.argv.includes('--once')) {
  await pass();
  await opened.close();
} else {
  let stopped = false;
  const stop = () => (stopped = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopped) {
    try {
      await pass();
    } catch (e) {
      log(`pass failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (let waited = 0; waited < intervalSeconds * 1000 && !stopped; waited += 250) await new Promise((r) => setTimeout(r, 250));
  }
  await opened.close();
}
