import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '../connect';
import { formatMs } from '../migrator';
import { isScaleName, SCALE_NAMES, SeedRefusedError, type SeedProgress, seedDatabase } from '../seed/index';
import { DEMO_USERS, demoPassword, seedDemoUsers } from '../seed/users';

/**
 * npm run seed -- [--scale demo|100k|1m|10m] [--rows N] [--reset] [--seed N] [--anchor ISO-8601]
 *
 * Applies pending migrations, fills the app's tables (refusing if they hold data, unless --reset),
 * then creates the demo users. Same --scale, --seed and --anchor give the same data.
 */
const usage = `Usage: npm run seed -- [--scale ${SCALE_NAMES.join('|')}] [--rows N] [--reset] [--seed N] [--anchor ISO-8601] [--chunk-rows N]`;

let args;
try {
  args = parseArgs({
    options: {
      scale: { type: 'string', default: 'demo' },
      rows: { type: 'string' },
      reset: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      anchor: { type: 'string' },
      'chunk-rows': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const scale = args.scale!;
if (!isScaleName(scale)) fail(`Unknown scale "${scale}".`);
const seed = integer('seed', args.seed!);
const rows = args.rows === undefined ? undefined : integer('rows', args.rows);
const anchor = args.anchor === undefined ? undefined : new Date(args.anchor);
if (anchor && Number.isNaN(anchor.getTime())) fail(`--anchor is not a date: ${args.anchor}`);

const opened = await openDatabase({ max: 2, applicationName: 'seed', direct: true });
let exitCode = 0;
try {
  console.log(`Seeding ${opened.mode === 'external' ? redact(opened.url) : `the embedded database (${opened.url})`}`);
  await migrate(opened, { log: console.log });
  const live = process.stdout.isTTY;
  const line = (p: SeedProgress) =>
    `  ${p.table.padEnd(28)} ${p.rows.toLocaleString('en-US').padStart(12)} rows  ${formatMs(p.ms).padStart(9)}`;
  const report = await seedDatabase(opened.db, {
    scale,
    rows,
    seed,
    anchor,
    reset: args.reset,
    // The app cuts days in BUSINESS_TIME_ZONE: seed business hours and calendar days in the same zone.
    timeZone: process.env.BUSINESS_TIME_ZONE || undefined,
    // The embedded database serves one statement at a time: smaller statements keep it responsive.
    chunkRows: args['chunk-rows'] ? integer('chunk-rows', args['chunk-rows']) : opened.mode === 'external' ? 250_000 : 25_000,
    concurrency: opened.mode === 'external' ? 2 : 1,
    onChunk: (p) => live && process.stdout.write(`${line(p)}\r`),
    onProgress: (p) => console.log(line(p)),
  });
  console.log(
    `Seeded ${report.scale === 'custom' ? `${rows} rows` : `scale ${report.scale}`} (seed ${report.seed}, anchor ${report.anchor.toISOString()}) in ${formatMs(report.totalMs)}.`,
  );
  const { password, generated } = demoPassword();
  await seedDemoUsers(opened.db, password);
  console.log(`Demo users: ${DEMO_USERS.map((u) => `${u.email} (${u.role})`).join(', ')}`);
  console.log(generated ? `Password (generated; set DEMO_PASSWORD to choose one): ${password}` : 'Password: $DEMO_PASSWORD');
} catch (err) {
  if (err instanceof SeedRefusedError) console.error(`\n${err.message}`);
  else console.error(`\nSeed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  exitCode = 1;
} finally {
  await opened.close();
}
process.exit(exitCode);

function integer(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
