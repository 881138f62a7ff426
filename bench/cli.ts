import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchOptions } from './bench';
import { parseSize } from './format';

export const USAGE = `npm run bench -- [--rows 1000000] [--out FILE.json] [--growth 10m | --growth 100k,1m] [--skip-http]
  --rows N           rows in each of messages, appointments and api_usage for the main comparison (default 1000000)
  --growth MAX|LIST  also measure at 100k, 1M, 10M up to MAX, or at the listed sizes (default 1m; none below 100k rows)
  --out FILE         write every figure as JSON
  --results FILE     where to write the markdown report (default bench/RESULTS.md)
  --from FILE.json   measure nothing: render the report again from the figures of an earlier --out
  --skip-http        skip the load run against the production server (scripts/serve.ts)
  --rebuild          run \`next build\` even when .next/BUILD_ID exists
  --runs N           timed runs per operation and side at the main size (default 200)
  --duration S       seconds per procedure in the HTTP load run (default 10)
  --connections N    concurrent connections in the HTTP load run (default 50)
DATABASE_URL: the bench creates (and drops) its own database bench_<random> on that server;
unset: it runs on a throw-away embedded PGlite database on port 54420.
BENCH_CPU_PROF=DIR: write a V8 CPU profile of the server (node --cpu-prof) to DIR when the HTTP part ends.
The HTTP part also loads a bare baseline (bench/baseline.ts: node:http + the same query functions over a pg
pool) with the same requests for conversations.history, bookings.byCustomer and analytics.costByService.`;

export interface CliOptions {
  bench: Omit<BenchOptions, 'log' | 'cleanups'>;
  /** Re-render from these saved figures instead of measuring. */
  from: string | null;
  out: string | null;
  results: string;
}

export const STANDARD_SIZES = [100_000, 1_000_000, 10_000_000];

/** The sizes to measure: the standard ladder up to the growth target (or a list), plus `rows`. */
export function sizesFor(rows: number, growth: string | undefined): number[] {
  let sizes: number[];
  if (growth === undefined) sizes = rows >= 100_000 ? STANDARD_SIZES.filter((s) => s <= Math.max(rows, 1_000_000)) : [];
  else if (growth === 'none') sizes = [];
  else if (growth.includes(',')) sizes = growth.split(',').map(parseSize);
  else {
    const max = parseSize(growth);
    sizes = STANDARD_SIZES.filter((s) => s <= max);
    if (!sizes.includes(max)) sizes.push(max);
  }
  return [...new Set([...sizes, rows])].sort((a, b) => a - b);
}

export function parseCli(argv: string[], env: { DATABASE_URL?: string }, repoDir: string): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' },
      growth: { type: 'string' },
      out: { type: 'string' },
      results: { type: 'string' },
      from: { type: 'string' },
      'skip-http': { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
      runs: { type: 'string', default: '200' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) throw new UsageError(USAGE);
  const rows = parseSize(values.rows!);
  if (rows < 1000) throw new UsageError('--rows must be at least 1000');
  const runs = positiveInt(values.runs!, '--runs');
  const command = ['npm run bench --', ...argv].join(' ').replace(/ --$/, '');
  return {
    from: values.from ? path.resolve(values.from) : null,
    out: values.out ? path.resolve(values.out) : null,
    results: path.resolve(values.results ?? path.join(repoDir, 'bench/RESULTS.md')),
    bench: {
      rows,
      sizes: sizesFor(rows, values.growth),
      skipHttp: values['skip-http']!,
      rebuild: values.rebuild!,
      adminUrl: env.DATABASE_URL || null,
      inputs: 50,
      // The slow side (sequential scans) stops after ~10 s per operation once it has 30 runs.
      main: { runs, warmup: 10, warmupBudgetMs: 2_000, budgetMs: 10_000, minRuns: Math.min(30, runs) },
      growth: { runs: Math.min(runs, 50), warmup: 3, warmupBudgetMs: 1_000, budgetMs: 4_000, minRuns: Math.min(10, runs) },
      writes: { rounds: 10, singleRows: 2000, batches: 20, batchSize: 1000 },
      http: { connections: positiveInt(values.connections!, '--connections'), durationS: positiveInt(values.duration!, '--duration') },
      repoDir,
      command,
    },
  };
}

export class UsageError extends Error {}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got "${text}"`);
  return n;
}
