/**
 * `npm run db:snapshot`: one capture of the Database page's history (pg_stat_statements deltas;
 * table and index sizes once a day), then exit. The worker (`npm run worker`) runs the same capture
 * every 5 minutes; this is for cron or a first capture by hand.
 */
import { openDatabase } from '../db/connect';
import { captureSnapshot } from '../server/queries/db-health-history';

const opened = await openDatabase({ max: 1, applicationName: 'db-snapshot' });
try {
  console.log(JSON.stringify(await captureSnapshot(opened.db)));
} finally {
  await opened.close();
}
