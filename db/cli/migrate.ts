import { openDatabase, migrate } from '../connect';
import { expectedIndexHealth, formatMs, loadMigrationFiles, migrationStatus } from '../migrator';

/**
 * npm run migrate                      apply pending migrations (and rebuild missing/INVALID indexes)
 * npm run migrate -- up --to NAME      apply pending migrations up to and including NAME
 * npm run migrate -- down              revert the last applied migration
 * npm run migrate -- down --to NAME    revert every migration applied after NAME (NAME stays)
 * npm run migrate -- status            applied/pending, then the guide's Step 3: every index present and VALID
 * NAME is a migration's file name without .sql, with or without its number ("performance_indexes").
 */
const USAGE = 'Use: npm run migrate [-- up|down [--to NAME]|status]';
const [command = 'up', ...rest] = process.argv.slice(2);
let to: string | undefined;
for (let i = 0; i < rest.length; i++) {
  const arg = rest[i]!;
  if (arg === '--to' && rest[i + 1] && !rest[i + 1]!.startsWith('-')) to = rest[++i];
  else if (arg.startsWith('--to=') && arg.length > 5) to = arg.slice(5);
  else {
    console.error(`Unexpected argument "${arg}". ${USAGE}`);
    process.exit(2);
  }
}
if (!['up', 'down', 'status'].includes(command) || (command === 'status' && to !== undefined)) {
  console.error(`Unknown command "${[command, ...rest].join(' ')}". ${USAGE}`);
  process.exit(2);
}

const opened = await openDatabase({ max: 2, applicationName: 'migrate', direct: true });
let exitCode = 0;
try {
  const where = opened.mode === 'external' ? redact(opened.url) : `embedded database (${opened.url})`;
  if (command === 'status') {
    exitCode = await status(opened.db);
  } else {
    console.log(`Migrating ${command}${to ? ` to ${to}` : ''} on ${where}`);
    const started = performance.now();
    const { results, repaired } = await migrate(opened, { direction: command as 'up' | 'down', to, log: console.log });
    if (!results?.length && !repaired.length) console.log(command === 'up' ? '  Nothing to do: up to date.' : '  Nothing to revert.');
    console.log(`Done in ${formatMs(performance.now() - started)}.`);
  }
} catch (err) {
  console.error(`\nMigration failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await opened.close();
}
process.exit(exitCode);

async function status(db: typeof opened.db): Promise<number> {
  const files = loadMigrationFiles();
  const migrations = await migrationStatus(db, files);
  console.log('Migrations:');
  for (const m of migrations) {
    console.log(`  ${m.executedAt ? 'applied ' : 'PENDING '} ${m.name}${m.executedAt ? `  (${m.executedAt.toISOString()})` : ''}`);
  }
  const indexes = await expectedIndexHealth(db, files, { appliedOnly: false });
  console.log('\nIndexes the migrations create (present and VALID?):');
  for (const i of indexes) {
    const mark = i.state === 'valid' ? 'VALID  ' : i.state === 'invalid' ? 'INVALID' : 'MISSING';
    console.log(`  ${mark}  ${i.table.padEnd(28)} ${i.name}`);
  }
  const bad = indexes.filter((i) => i.state !== 'valid');
  const pending = migrations.filter((m) => !m.executedAt);
  if (pending.length) console.error(`\n${pending.length} migration(s) pending: run \`npm run migrate\`.`);
  if (bad.length) {
    console.error(`${bad.length} index(es) missing or INVALID: run \`npm run migrate\` to build them.`);
    return 1;
  }
  console.log(`\nAll ${indexes.length} indexes present and VALID.`);
  return 0;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
