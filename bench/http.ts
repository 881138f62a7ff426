import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import superjson from 'superjson';
import type { Db } from '@/db/client';
import { DEMO_USERS, seedDemoUsers } from '@/db/seed/users';
import { BASELINE_PROCEDURES } from './baseline';
import { percentile } from './stats';
import type { HttpResult } from './types';

/** Ports the bench may use for the dashboard's servers (loopback only). */
export const HTTP_PORTS = [3110, 3119] as const;
const HOST = '127.0.0.1';

export interface HttpTarget {
  procedure: string;
  /** Inputs to cycle through, as the procedure takes them (superjson-encoded on the wire). */
  inputs: unknown[];
}

export interface HttpOptions {
  repoDir: string;
  databaseUrl: string;
  db: Db;
  connections: number;
  durationS: number;
  rebuild: boolean;
  /** DB_POOL_MAX for the server (the embedded database serves every connection through one backend: keep it small). */
  dbPoolMax?: number;
  log: (line: string) => void;
  /** Registers a cleanup to run on failure or Ctrl-C. */
  onCleanup: (fn: () => Promise<void>) => void;
}

/**
 * The production server (scripts/serve.ts) on the bench database, signed in as the demo admin,
 * autocannon against each target. For the baseline's procedures, the same requests then go to a
 * second server answering /api/trpc/ through Next's route (DASHBOARD_TRPC_VIA_NEXT=1: the path
 * before issue 23's direct one) and to the bare baseline, each right after the other.
 */
export async function runHttp(targets: HttpTarget[], o: HttpOptions): Promise<HttpResult[]> {
  await ensureBuild(o);
  const port = await freePort(HTTP_PORTS[0], HTTP_PORTS[1]);
  const base = `http://${HOST}:${port}`;
  const password = randomBytes(12).toString('base64url');
  await seedDemoUsers(o.db, password);
  await setLimitDefaults(o);
  const secret = randomBytes(32).toString('base64url');
  const server = await startServer(o, port, base, { secret });
  o.onCleanup(() => server.stop());
  const viaNextPort = await freePort(port + 1, HTTP_PORTS[1]);
  const viaNextBase = `http://${HOST}:${viaNextPort}`;
  const viaNext = targets.some((t) => BASELINE_PROCEDURES.includes(t.procedure))
    ? await startServer(o, viaNextPort, viaNextBase, { secret, viaNext: true })
    : null;
  if (viaNext) o.onCleanup(() => viaNext.stop());
  const baselinePort = await freePort(BASELINE_PORTS[0], BASELINE_PORTS[1]);
  const baseline = await startBaseline(o, baselinePort);
  o.onCleanup(() => baseline.stop());
  try {
    const cookie = await signIn(base, password);
    const results: HttpResult[] = [];
    for (const t of targets) {
      const paths = t.inputs.map((input) => trpcPath(t.procedure, input));
      try {
        await preflight(base, paths[0]!, cookie, t.procedure);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        o.log(`    ${t.procedure}: not measured: ${reason}`);
        results.push({ ...EMPTY, procedure: t.procedure, connections: o.connections, durationS: o.durationS, failed: reason });
        continue;
      }
      // Warm-up, not recorded: Next.js loads a route's modules on its first requests, the pools open.
      await load(base, paths, cookie, Math.min(10, o.connections), 2);
      // One connection first: the cost of a request with no queue in front of it.
      const single = await load(base, paths, cookie, 1, 3);
      o.log(
        `    ${t.procedure}: 1 connection: ${single.requestsPerSec.toFixed(0)} req/s, p50 ${single.p50Ms.toFixed(1)} ms; ${o.connections} connections × ${o.durationS} s ...`,
      );
      const r = await load(base, paths, cookie, o.connections, o.durationS);
      o.log(
        `      ${r.requestsPerSec.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`,
      );
      let vsBaseline: HttpResult['baseline'];
      let throughNext: HttpResult['viaNext'];
      if (viaNext && BASELINE_PROCEDURES.includes(t.procedure)) {
        // The same requests through Next's route (same database, same session cookie).
        await load(viaNextBase, paths, cookie, Math.min(10, o.connections), 2);
        const n = await load(viaNextBase, paths, cookie, o.connections, o.durationS);
        throughNext = { requestsPerSec: n.requestsPerSec, p50Ms: n.p50Ms, p95Ms: n.p95Ms, non2xx: n.non2xx, errors: n.errors + n.timeouts };
        o.log(
          `      through Next's route: ${n.requestsPerSec.toFixed(0)} req/s, p95 ${n.p95Ms.toFixed(1)} ms, non-2xx ${n.non2xx}; direct/Next ${(r.requestsPerSec / n.requestsPerSec).toFixed(2)}x`,
        );
      }
      if (BASELINE_PROCEDURES.includes(t.procedure)) {
        // Right after the app's run, the same requests (same paths, same cookie) to the bare server.
        await load(baseline.url, paths, cookie, Math.min(10, o.connections), 1);
        const b = await load(baseline.url, paths, cookie, o.connections, o.durationS);
        vsBaseline = {
          requests: b.requests,
          requestsPerSec: b.requestsPerSec,
          p50Ms: b.p50Ms,
          p95Ms: b.p95Ms,
          p99Ms: b.p99Ms,
          non2xx: b.non2xx,
          errors: b.errors + b.timeouts,
        };
        o.log(
          `      bare baseline: ${b.requestsPerSec.toFixed(0)} req/s, p95 ${b.p95Ms.toFixed(1)} ms, non-2xx ${b.non2xx}; app/baseline ${((100 * r.requestsPerSec) / b.requestsPerSec).toFixed(0)}% of its throughput`,
        );
      }
      results.push({
        procedure: t.procedure,
        ...r,
        single: { requestsPerSec: single.requestsPerSec, p50Ms: single.p50Ms, p95Ms: single.p95Ms },
        ...(vsBaseline ? { baseline: vsBaseline } : {}),
        ...(throughNext ? { viaNext: throughNext } : {}),
      });
    }
    return results;
  } finally {
    await Promise.all([server.stop(), baseline.stop(), viaNext?.stop()]);
    // The next size's seed runs on this database: its long statements must not inherit the app's limits
    // (a --growth 10m run's seed was cancelled by the 10 s statement_timeout set here at 1M).
    await resetLimitDefaults(o);
  }
}

async function resetLimitDefaults(o: HttpOptions): Promise<void> {
  const name = (await sql<{ name: string }>`select current_database() as name`.execute(o.db)).rows[0]!.name;
  await sql.raw(`alter database "${name}" reset statement_timeout`).execute(o.db);
  await sql.raw(`alter database "${name}" reset lock_timeout`).execute(o.db);
}

/**
 * The app's time limits (server/env.ts defaults) as the bench database's own defaults, as README's
 * Deploying section recommends: the app then runs a lone query without begin / set local / commit
 * around it (db/client.ts, defaultsCover), with the same limits in force. BENCH_DB_DEFAULTS=off
 * measures the app without them (every lone query wrapped).
 */
async function setLimitDefaults(o: HttpOptions): Promise<void> {
  if (process.env.BENCH_DB_DEFAULTS === 'off') {
    o.log('    database defaults for the time limits: off (BENCH_DB_DEFAULTS=off)');
    return;
  }
  const e = { statement: Number(process.env.DB_STATEMENT_TIMEOUT_MS || 10_000), lock: Number(process.env.DB_LOCK_TIMEOUT_MS || 3_000) };
  const name = (await sql<{ name: string }>`select current_database() as name`.execute(o.db)).rows[0]!.name;
  await sql.raw(`alter database "${name}" set statement_timeout = ${Math.trunc(e.statement)}`).execute(o.db);
  await sql.raw(`alter database "${name}" set lock_timeout = ${Math.trunc(e.lock)}`).execute(o.db);
  o.log(`    database defaults: statement_timeout ${e.statement} ms, lock_timeout ${e.lock} ms (the app's limits; lone queries unwrapped)`);
}

/** Ports for the bare baseline server (bench/baseline-server.ts). */
export const BASELINE_PORTS = [3120, 3129] as const;

/** bench/baseline-server.ts in its own process, with the pool size the app gets. */
async function startBaseline(o: HttpOptions, port: number): Promise<RunningServer & { url: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: o.databaseUrl,
    BASELINE_PORT: String(port),
    ...(o.dbPoolMax ? { DB_POOL_MAX: String(o.dbPoolMax) } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(o.repoDir, 'bench/baseline-server.ts')], {
    cwd: o.repoDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => stopChild(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the baseline server did not start within 30 s:\n${output}`)), 30_000);
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-4000);
      const m = /listening (http:\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the baseline server exited with ${code}:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url, stop };
}

const EMPTY = {
  requests: 0,
  requestsPerSec: 0,
  p50Ms: Number.NaN,
  p95Ms: Number.NaN,
  p99Ms: Number.NaN,
  maxMs: Number.NaN,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
};

export function trpcPath(procedure: string, input: unknown): string {
  return `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
}

async function ensureBuild(o: HttpOptions): Promise<void> {
  const buildId = path.join(o.repoDir, '.next/BUILD_ID');
  if (existsSync(buildId) && !o.rebuild) return;
  for (let attempt = 1; ; attempt++) {
    o.log(`    next build (${existsSync(buildId) ? '--rebuild' : 'no .next/BUILD_ID'}) ...`);
    try {
      await runToEnd(process.execPath, [nextBin(o.repoDir), 'build'], o.repoDir, {
        ...process.env,
        NODE_ENV: 'production',
      } as NodeJS.ProcessEnv);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      // Another developer's build holds .next: wait for it to finish, then serve what it built.
      o.log(`    next build failed (${(err as Error).message.slice(0, 200)}); waiting up to 5 min for another build to finish`);
      const deadline = Date.now() + 300_000;
      while (Date.now() < deadline && !existsSync(buildId)) await sleep(5_000);
      if (existsSync(buildId)) return;
    }
  }
}

function nextBin(repoDir: string): string {
  return path.join(repoDir, 'node_modules/next/dist/bin/next');
}

interface RunningServer {
  stop(): Promise<void>;
}

async function startServer(o: HttpOptions, port: number, base: string, s: { secret: string; viaNext?: boolean }): Promise<RunningServer> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: o.databaseUrl,
    BETTER_AUTH_SECRET: s.secret,
    BETTER_AUTH_URL: base,
    AUTH_SIGNIN_LIMIT_PER_MINUTE: '100',
    ...(o.dbPoolMax ? { DB_POOL_MAX: String(o.dbPoolMax) } : {}),
  };
  // BENCH_CPU_PROF=DIR: a V8 CPU profile of the server, written to DIR when it stops (node --cpu-prof;
  // NODE_OPTIONS may not carry it). Open it in Chrome DevTools or speedscope.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // The production server (scripts/serve.ts, what `npm start` runs): Next for pages, /api/trpc/ answered
  // directly, or through Next's route with DASHBOARD_TRPC_VIA_NEXT=1.
  if (s.viaNext) env.DASHBOARD_TRPC_VIA_NEXT = '1';
  else delete env.DASHBOARD_TRPC_VIA_NEXT;
  const serve = ['--import', 'tsx', path.join(o.repoDir, 'scripts/serve.ts'), '-p', String(port), '-H', HOST];
  const child = spawn(process.execPath, [...prof, ...serve], {
    cwd: o.repoDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = () => stopChild(child);
  const deadline = Date.now() + 60_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`scripts/serve.ts exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${base}/api/auth/ok`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`scripts/serve.ts did not answer on ${base} within 60 s:\n${output}`);
    }
    await sleep(250);
  }
  return { stop };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function signIn(base: string, password: string): Promise<string> {
  const email = DEMO_USERS.find((u) => u.role === 'admin')!.email;
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('sign-in returned no session cookie');
  return cookie;
}

async function preflight(base: string, p: string, cookie: string, procedure: string): Promise<void> {
  const res = await fetch(base + p, { headers: { cookie } });
  if (res.status !== 200) {
    const body = (await res.text()).slice(0, 500);
    const hint =
      res.status === 404
        ? ' The production build in .next may predate this procedure: run `npm run build` (or `npm run bench -- --rebuild`).'
        : '';
    throw new Error(`GET ${procedure} answered ${res.status}: ${body}${hint}`);
  }
}

async function load(
  base: string,
  paths: string[],
  cookie: string,
  connections: number,
  durationS: number,
): Promise<Omit<HttpResult, 'procedure'>> {
  let next = 0;
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: durationS,
        headers: { cookie },
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }),
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    // The instance emits (client, statusCode, bytes, ms); @types/autocannon omits the client.
    (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
    });
  });
  const sample = latencies.length ? latencies : [Number.NaN];
  return {
    connections,
    durationS,
    requests: result.requests.total,
    requestsPerSec: result.requests.total / (result.duration || durationS),
    p50Ms: percentile(sample, 50),
    p95Ms: percentile(sample, 95),
    p99Ms: percentile(sample, 99),
    maxMs: Math.max(...sample),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export async function freePort(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, HOST, () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

function runToEnd(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-3000);
    };
    p.stdout!.on('data', keep);
    p.stderr!.on('data', keep);
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`exited with ${code}: ${output.trim().split('\n').slice(-5).join(' / ')}`)),
    );
  });
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
