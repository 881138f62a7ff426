/**
 * npm run bench -- [--rows 1000000] [--out FILE.json] [--growth 10m] [--skip-http]
 * The guide's Performance Impact Table, measured on this machine: see bench/cli.ts for every flag.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runBench } from './bench';
import { Cleanups } from './cleanup';
import { parseCli, USAGE, UsageError } from './cli';
import { renderReport } from './report';
import type { BenchResults } from './types';

const log = (line: string) => console.log(line);

let cli;
try {
  cli = parseCli(process.argv.slice(2), { DATABASE_URL: process.env.DATABASE_URL }, repoRoot());
} catch (err) {
  const usage = err instanceof UsageError && err.message === USAGE;
  console.error(usage ? USAGE : `${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(usage ? 0 : 2);
}

if (cli.from) {
  const markdown = renderReport(JSON.parse(readFileSync(cli.from, 'utf8')) as BenchResults);
  console.log(markdown);
  writeFileSync(cli.results, markdown);
  console.log(`Report (from ${path.relative(process.cwd(), cli.from)}): ${path.relative(process.cwd(), cli.results)}`);
  process.exit(0);
}

const cleanups = new Cleanups();
let interrupted = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Ctrl-C reaches this process twice: from the terminal and relayed by tsx's parent process.
    // Only a second Ctrl-C a moment later means "leave now, skip the cleanup".
    if (interrupted && Date.now() - interrupted > 2_000) process.exit(130);
    if (interrupted) return;
    interrupted = Date.now();
    console.error(`\n${signal}: cleaning up (Ctrl-C again to leave at once) ...`);
    void cleanups.runAll().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  console.log(`Benchmark: ${cli.bench.command}`);
  console.log(`Sizes: ${cli.bench.sizes.join(', ')} rows; main comparison at ${cli.bench.rows}`);
  const results = await runBench({ ...cli.bench, log, cleanups });
  const markdown = renderReport(results);
  console.log(`\n${markdown}`);
  mkdirSync(path.dirname(cli.results), { recursive: true });
  writeFileSync(cli.results, markdown);
  console.log(`Report: ${path.relative(process.cwd(), cli.results)}`);
  if (cli.out) {
    mkdirSync(path.dirname(cli.out), { recursive: true });
    writeFileSync(cli.out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Figures: ${path.relative(process.cwd(), cli.out)}`);
  }
} catch (err) {
  // After Ctrl-C the cleanup pulls the database from under the run: that error is expected.
  if (!interrupted) console.error(`\nBenchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  exitCode = 1;
} finally {
  if (!interrupted) await cleanups.runAll();
}
if (!interrupted) process.exit(exitCode);
