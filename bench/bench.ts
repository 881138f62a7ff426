import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { loadMigrationFiles, runMigrations } from '@/db/migrator';
import type { Cleanups } from './cleanup';
import { fmtMs, fmtRatio, fmtSize } from './format';
import { runHttp } from './http';
import { describePlan } from './report';
import { apply0002, missingOrInvalid0002, relationSizes, rollback0002, vacuumAnalyze } from './indexes';
import { machineInfo } from './machine';
import { type MeasureOptions, measureOperations } from './measure';
import { type BenchOp, benchOperations } from './operations';
import { createBenchDatabase, type BenchDatabase } from './scratch';
import { seedAt } from './seed';
import { speedup } from './stats';
import type { ApplyTiming, BenchResults, GrowthPoint, OperationResult, OperationSide } from './types';
import { searchIndexWriteCost, type WritePlan, writeCost } from './writes';

export interface BenchOptions {
  rows: number;
  /** Table sizes to measure, ascending; includes `rows` (the main comparison). */
  sizes: number[];
  skipHttp: boolean;
  rebuild: boolean;
  /** Server to create the scratch database on (DATABASE_URL); null: a throw-away embedded database. */
  adminUrl: string | null;
  embeddedPort?: number;
  /** Distinct inputs drawn per operation (threads, customers, destinations...). */
  inputs: number;
  main: MeasureOptions;
  growth: MeasureOptions;
  writes: WritePlan;
  http: { connections: number; durationS: number };
  repoDir: string;
  command: string;
  log: (line: string) => void;
  cleanups: Cleanups;
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = (timings[name] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
  const log = o.log;
  if (!o.sizes.includes(o.rows)) throw new Error('sizes must include rows');

  const bench: BenchDatabase = await createBenchDatabase({ adminUrl: o.adminUrl, embeddedPort: o.embeddedPort });
  o.cleanups.add('drop the bench database', async () => {
    log(`Dropping ${bench.kind === 'embedded' ? 'the embedded bench database' : `database ${bench.name}`}`);
    await bench.drop();
  });
  const { db, pool } = bench;
  log(`Scratch database: ${bench.kind === 'embedded' ? `embedded PGlite (${bench.url})` : bench.name}`);

  await phase('migrate', () => runMigrations(db));
  const machine = await machineInfo(db, bench.kind);
  const load = { start: os.loadavg()[0]!, max: os.loadavg()[0]! };
  machine.load = load;
  const sampleLoad = () => void (load.max = Math.max(load.max, os.loadavg()[0]!));
  const ops = benchOperations();
  const rollup = await detectRollup(db);
  // One "now" for every size, so the seeded time axis (and the 30-day window) is the same throughout.
  const anchor = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);

  const results: BenchResults = {
    command: o.command,
    database:
      bench.kind === 'embedded'
        ? `a throw-away embedded PGlite database (DATABASE_URL unset), ${bench.url}`
        : `scratch database ${bench.name} on the PostgreSQL server at ${new URL(bench.url).host} (DATABASE_URL), dropped at the end`,
    machine,
    rows: o.rows,
    counts: {},
    operations: [],
    growth: [],
    writes: [],
    sizes: [],
    apply: null,
    rollup,
    commitMs: null,
    http: null,
    httpSkipped: o.skipHttp ? '--skip-http' : null,
    timings,
    notes: [],
  };

  for (const size of o.sizes) {
    const isMain = size === o.rows;
    const settings = isMain ? o.main : o.growth;
    log(`\n== ${fmtSize(size)} rows${isMain ? ' (main comparison)' : ' (growth)'}`);
    const point: GrowthPoint = { rows: size, counts: {}, operations: {} };
    await phase('seed', async () => {
      await rollback0002(db, { analyze: false });
      log('    seeding (migration 0002 rolled back) ...');
      const { counts, ms } = await seedAt(db, size, anchor, log);
      log(`    seeded in ${(ms / 1000).toFixed(1)} s`);
      if (isMain) results.counts = counts;
      point.counts = counts;
    });
    const inputs = await phase('measure', async () => {
      await rollback0002(db, { analyze: true });
      const out = new Map<string, unknown[]>();
      for (const op of ops) out.set(op.key, await op.inputs(db, o.inputs));
      return out;
    });

    sampleLoad();
    log(`    without 0002 (load average ${os.loadavg()[0]!.toFixed(1)}):`);
    const without = await phase('measure', () => measureAll(db, pool, ops, inputs, settings, log));
    log('    applying 0002 (CONCURRENTLY, as shipped) + VACUUM (ANALYZE) ...');
    const concurrent = await phase('apply 0002', async () => {
      const timing = await apply0002(db, { concurrently: true });
      await checkValid(db);
      await vacuumAnalyze(db);
      return timing;
    });
    log(`    applied in ${fmtMs(concurrent.totalMs)}`);
    sampleLoad();
    log(`    with 0002 (load average ${os.loadavg()[0]!.toFixed(1)}):`);
    const withIdx = await phase('measure', () => measureAll(db, pool, ops, inputs, settings, log));

    for (const op of ops) {
      const w = without.get(op.key)!;
      const x = withIdx.get(op.key)!;
      log(`      ${op.label.padEnd(36)} ${fmtRatio(speedup(w.latency.medianMs, x.latency.medianMs))} faster with 0002`);
      point.operations[op.key] = {
        withoutMedianMs: w.latency.medianMs,
        withMedianMs: x.latency.medianMs,
        withoutMinMs: w.latency.minMs,
        withMinMs: x.latency.minMs,
        withoutRuns: w.latency.runs,
        withRuns: x.latency.runs,
        ...(op.planAtEverySize ? { withPlan: describePlan(x.plans) } : {}),
      };
    }
    results.growth.push(point);

    if (!isMain) continue;
    results.operations = ops.map((op) => operationResult(op, without.get(op.key)!, withIdx.get(op.key)!));
    results.sizes = await relationSizes(db, results.counts);

    sampleLoad();
    log('    write cost:');
    const localServer = bench.kind === 'postgresql' && isLoopback(bench.url);
    const writes = await phase('write cost', () => writeCost(db, o.writes, localServer, log));
    results.writes = writes.rows;
    results.commitMs = writes.commitMs;
    results.apply = applyTiming(concurrent, writes.plain);
    results.searchIndexWrites = await phase('search index write cost', () => searchIndexWriteCost(db, o.writes, localServer, log));

    if (!o.skipHttp) {
      sampleLoad();
      log('    over HTTP:');
      try {
        results.http = await phase('http', () =>
          runHttp(
            [
              // The floor: a signed-in request whose only query is the session lookup.
              { procedure: 'session.me', inputs: [undefined] },
              ...ops
                .filter((op) => op.http)
                .map((op) => ({ procedure: op.http!.procedure, inputs: inputs.get(op.key)!.map((i) => op.http!.input(i)) })),
            ],
            {
              repoDir: o.repoDir,
              databaseUrl: bench.url,
              db,
              connections: o.http.connections,
              durationS: o.http.durationS,
              rebuild: o.rebuild,
              dbPoolMax: bench.kind === 'embedded' ? 4 : undefined,
              log,
              onCleanup: (fn) => o.cleanups.add('stop the dashboard server', fn),
            },
          ),
        );
      } catch (err) {
        results.httpSkipped = `failed: ${err instanceof Error ? err.message : String(err)}`;
        log(`    HTTP part failed: ${results.httpSkipped}`);
      }
    }
  }

  if (rollup) {
    results.notes.push(
      `Migration ${rollup.migration} (issue 11's rollup) is applied on both sides: \`analytics.costByService\` reads every day, today included, ` +
        "from `api_usage_daily`, so its two sides should match; the guide's raw aggregate over `api_usage`, and one day of it, are measured separately.",
    );
  }
  timings.total = (performance.now() - started) / 1000;
  return results;
}

async function measureAll(
  db: Db,
  pool: BenchDatabase['pool'],
  ops: BenchOp[],
  inputs: Map<string, unknown[]>,
  settings: MeasureOptions,
  log: (line: string) => void,
): Promise<Map<string, OperationSide>> {
  const out = await measureOperations(db, pool, ops, inputs, settings);
  for (const op of ops) {
    const side = out.get(op.key)!;
    const plan = side.plans.map((p) => p.scans.join(', ')).join('; ');
    log(
      `      ${op.label.padEnd(36)} median ${fmtMs(side.latency.medianMs).padStart(9)}  p95 ${fmtMs(side.latency.p95Ms).padStart(9)}  ` +
        `min ${fmtMs(side.latency.minMs).padStart(9)}  (${side.latency.runs} runs)  ${plan}`,
    );
  }
  return out;
}

function operationResult(op: BenchOp, without: OperationSide, withIdx: OperationSide): OperationResult {
  return {
    key: op.key,
    label: op.label,
    queryFunction: op.queryFunction,
    claim: op.claim ?? null,
    without,
    with: withIdx,
    ratio: speedup(without.latency.medianMs, withIdx.latency.medianMs),
    expectedIndexes: op.expectedIndexes,
    guidePlan: op.guidePlan ?? null,
    ...(op.planAtEverySize ? { planAtEverySize: true } : {}),
  };
}

async function checkValid(db: Db): Promise<void> {
  const bad = await missingOrInvalid0002(db);
  if (bad.length) throw new Error(`0002 left missing or INVALID indexes: ${bad.join(', ')}`);
}

function applyTiming(
  concurrent: { totalMs: number; perIndex: { name: string; ms: number }[] },
  plain: { totalMs: number; perIndex: { name: string; ms: number }[] },
): ApplyTiming {
  return {
    plainMs: plain.totalMs,
    concurrentMs: concurrent.totalMs,
    perIndex: concurrent.perIndex.map((c) => ({
      name: c.name,
      concurrentMs: c.ms,
      plainMs: plain.perIndex.find((p) => p.name === c.name)?.ms ?? Number.NaN,
    })),
  };
}

async function detectRollup(db: Db): Promise<BenchResults['rollup']> {
  const file = loadMigrationFiles().find((f) => f.name.startsWith('0005_'));
  if (!file) return null;
  const { rows } = await sql<{ name: string }>`
    select tgname as name from pg_trigger where tgrelid = 'api_usage'::regclass and not tgisinternal order by 1`.execute(db);
  return { migration: file.name, triggers: rows.map((r) => r.name) };
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

export function repoRoot(): string {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const root = path.resolve(here, '..');
  return existsSync(path.join(root, 'package.json')) ? root : process.cwd();
}
