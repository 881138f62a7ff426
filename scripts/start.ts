/**
 * `npm start`: the dashboard on a fresh machine with nothing set up.
 *   - DATABASE_URL unset: starts the embedded PostgreSQL (PGlite, data in .data/), which this
 *     process owns for as long as the dashboard runs;
 *   - applies migrations; seeds demo data when the database is empty; creates the demo users;
 *   - builds the app once (production build), then serves it on PORT (default 3000).
 * `npm run dev` does the same with `next dev`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { migrate, openDatabase } from '../db/connect';
import { DEFAULT_DATA_DIR } from '../db/embedded';
import { demoPassword, DEMO_USERS, seedDemoUsers } from '../db/seed/users';
import { seedIfEmpty } from '../db/seed/if-empty';

const dev = process.argv.includes('--dev');
const port = Number(process.env.PORT ?? 3000);
const dataDir = path.resolve('.data');
mkdirSync(dataDir, { recursive: true });

const opened = await openDatabase({ max: 4, applicationName: 'start', direct: true });
console.log(
  opened.mode === 'external'
    ? `Database: ${new URL(opened.url).host}${new URL(opened.url).pathname} (DATABASE_URL)`
    : `Database: embedded PostgreSQL (PGlite) in ${path.relative(process.cwd(), DEFAULT_DATA_DIR) || DEFAULT_DATA_DIR}, serving ${opened.url}`,
);

let child: ReturnType<typeof spawn> | undefined;
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  child?.kill('SIGTERM');
  await opened.close().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await migrate(opened, { log: console.log });
  await seedIfEmpty(opened.db, console.log);
  const login = await ensureDemoUsers();
  const secret = process.env.BETTER_AUTH_SECRET ?? persistentSecret();
  const env = {
    ...process.env,
    // The app gets the (possibly pooled) DATABASE_URL; this script itself used the direct one.
    DATABASE_URL: opened.mode === 'external' ? process.env.DATABASE_URL! : opened.url,
    BETTER_AUTH_SECRET: secret,
    BETTER_AUTH_URL: process.env.BETTER_AUTH_URL ?? `http://localhost:${port}`,
    // The embedded database serves every connection through one backend: keep the pool small.
    DB_POOL_MAX: process.env.DB_POOL_MAX ?? (opened.mode === 'external' ? '10' : '4'),
    // Live conversations LISTEN on PostgreSQL; PGlite's one shared session cannot, so they poll.
    CONVERSATIONS_LIVE: process.env.CONVERSATIONS_LIVE ?? (opened.mode === 'external' ? 'listen' : 'poll'),
  };
  const next = path.resolve('node_modules/next/dist/bin/next');
  if (!dev && !existsSync('.next/BUILD_ID')) {
    console.log('Building the dashboard (first run only; `npm run build` rebuilds)…');
    await run(process.execPath, [next, 'build'], env);
  }
  console.log(`\nDashboard: http://localhost:${port}`);
  if (login) console.log(login);
  // Production: scripts/serve.ts (`next start` that appends the socket's peer to X-Forwarded-For).
  const serve = [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/serve.ts', '-p', String(port)];
  child = spawn(process.execPath, dev ? [next, 'dev', '-p', String(port)] : serve, { stdio: 'inherit', env });
  child.on('exit', (code) => void shutdown(code ?? 0));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await shutdown(1);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'inherit', env });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? cmd)} ${args[1]} exited with ${code}`))));
  });
}

/** A secret generated once per checkout, kept in .data/ (never committed). */
function persistentSecret(): string {
  const file = path.join(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Creates the demo users when none exist and says how to sign in. */
async function ensureDemoUsers(): Promise<string | null> {
  const existing = await opened.db.selectFrom('auth_user').select('email').execute();
  const passwordFile = path.join(dataDir, 'demo-password');
  if (existing.length === 0 || process.env.DEMO_PASSWORD) {
    const { password, generated } = demoPassword();
    await seedDemoUsers(opened.db, password);
    if (generated) writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  const password = process.env.DEMO_PASSWORD ?? (existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : null);
  const who = DEMO_USERS.map((u) => `  ${u.role.padEnd(5)}  ${u.email}`).join('\n');
  return `Sign in as:\n${who}\n  password: ${password ?? '(set DEMO_PASSWORD and restart to reset it)'}`;
}
