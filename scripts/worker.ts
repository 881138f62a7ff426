/**
 * `npm run worker`: applies queued HousecallPro webhook events (server/webhooks/worker.ts), and
 * once a minute evaluates the cost budgets and delivers their alerts (server/alerts/job.ts, what
 * `npm run alerts` does on its own; both may run: an alert fires once per level and period).
 *   tsx scripts/worker.ts            run until SIGINT/SIGTERM, polling every second when idle
 *   tsx scripts/worker.ts --once     apply everything due now, then exit (cron, a manual catch-up)
 *   --batch=N  --poll-ms=N  --max-attempts=N  --lease-seconds=N
 *   --no-alerts                      leave the budget alerts to `npm run alerts`
 * Several workers may run at once against PostgreSQL (DATABASE_URL). Against the embedded database
 * run one only: PGlite serves every connection through one backend session, so row locks cannot
 * keep two workers apart.
 */
import { sql } from 'kysely';
import { openDatabase } from '../db/connect';
import { deliveryConfigFromEnv } from '../server/alerts/deliver';
import { runAlertPass } from '../server/alerts/job';
import { alertMailer } from '../server/alerts/mailer';
import { businessTimeZone } from '../server/env';
import { topSpenders } from '../server/queries/analytics-spenders';
import { captureSnapshot, SNAPSHOT_INTERVAL_MS } from '../server/queries/db-health-history';
import { DEFAULT_DAYS } from '../lib/contract/analytics';
import { resumeStaleReplayJobs } from '../server/queries/webhooks-replay';
import { pruneRejections } from '../server/webhooks/rejections';
import { DEFAULTS, drain, runWorker, type WorkerOptions } from '../server/webhooks/worker';

function flag(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!arg) return undefined;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive whole number`);
    process.exit(2);
  }
  return value;
}

const options: WorkerOptions = {
  batchSize: flag('batch') ?? DEFAULTS.batchSize,
  maxAttempts: flag('max-attempts') ?? DEFAULTS.maxAttempts,
  leaseSeconds: flag('lease-seconds') ?? DEFAULTS.leaseSeconds,
  log: (line) => console.log(`${new Date().toISOString()} ${line}`),
};

const opened = await openDatabase({ max: 2, applicationName: 'webhook-worker', statementTimeoutMs: 15_000, lockTimeoutMs: 5_000 });
if (opened.mode !== 'external') console.log('Embedded database: run a single worker only.');

try {
  await sql`select errors from webhook_events limit 0`.execute(opened.db);
} catch {
  console.error('webhook_events has no errors column: run `npm run migrate` first (migration 0008).');
  await opened.close();
  process.exit(1);
}

if (process.argv.includes('--once')) {
  const total = await drain(opened.db, options);
  console.log(
    `Done: ${total.claimed} claimed, ${total.processed} processed, ${total.failed} failed, ${total.dead} dead, ${total.swept} expired leases.`,
  );
  await opened.close();
} else {
  // Once a minute: finish bulk replays whose request ended half-way, prune old rejections, and
  // make sure the cost page's default top-spenders window is stored (a lookup when it is; after
  // midnight or a late write, the compute runs here instead of in an admin's request).
  const maintenance = setInterval(() => {
    Promise.all([
      resumeStaleReplayJobs(opened.db),
      pruneRejections(opened.db),
      topSpenders(opened.db, { days: DEFAULT_DAYS, limit: 1, timeZone: businessTimeZone() }),
    ])
      .then(([resumed, pruned]) => {
        if (resumed || pruned) options.log!(`[worker] resumed ${resumed} bulk replays, pruned ${pruned} old rejections`);
      })
      .catch((err) => options.log!(`[worker] maintenance failed: ${err instanceof Error ? err.message : String(err)}`));
  }, 60_000);
  const controller = new AbortController();
  const stop = () => {
    clearInterval(maintenance);
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The Database page's history (pg_stat_statements deltas, daily sizes): every 5 minutes.
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const snapshot = () =>
    captureSnapshot(opened.db).then(
      (r) => log(`db snapshot: ${JSON.stringify(r)}`),
      (e: Error) => log(`db snapshot failed: ${e.message}`),
    );
  const timer = setInterval(snapshot, SNAPSHOT_INTERVAL_MS);
  controller.signal.addEventListener('abort', () => clearInterval(timer));
  void snapshot();
  // Budget alerts on a schedule, not on insert: api_usage's writers pay nothing for them, and one
  // pass reads the month from the daily rollup (bench: "one budget evaluation pass").
  if (!process.argv.includes('--no-alerts')) {
    const cfg = deliveryConfigFromEnv(process.env, alertMailer());
    const alerts = () =>
      runAlertPass(opened.db, cfg, { timeZone: businessTimeZone() }).then(
        (r) => {
          for (const a of r.fired) log(`cost alert: ${a.level} for ${a.service} (${a.period}): ${a.spendCents} of ${a.budgetCents} cents`);
          if (r.delivered || r.failed || r.gaveUp)
            log(`cost alert deliveries: ${r.delivered} sent, ${r.failed} to retry, ${r.gaveUp} given up`);
        },
        (e: Error) => log(`cost alerts failed: ${e.message}`),
      );
    const alertTimer = setInterval(alerts, 60_000);
    controller.signal.addEventListener('abort', () => clearInterval(alertTimer));
    void alerts();
  }
  await runWorker(opened.db, { ...options, signal: controller.signal, pollMs: flag('poll-ms') ?? 1000 });
  await opened.close();
}
