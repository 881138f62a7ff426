/**
 * The bench's bare baseline as its own process (bench/http.ts starts it beside the dashboard's server, so each
 * server has an event loop of its own): DATABASE_URL, BASELINE_PORT, DB_POOL_MAX (the app's default
 * pool size, 10), BUSINESS_TIME_ZONE (read as the app reads it). Prints `listening <url>` when ready.
 */
import { createDb } from '@/db/client';
import { businessTimeZone } from '@/server/env';
import { startBaselineServer } from './baseline';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
// No statement or lock timeout: a plain pg pool, no transaction around a lone query.
const db = createDb(url, { max: Number(process.env.DB_POOL_MAX || 10), applicationName: 'bench-baseline' });
const server = await startBaselineServer(db, {
  port: Number(process.env.BASELINE_PORT || 0),
  timeZone: businessTimeZone(),
});
console.log(`listening ${server.url}`);
const stop = () =>
  void server
    .close()
    .then(() => db.destroy())
    .finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
