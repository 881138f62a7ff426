import type pg from 'pg';
import type { Db } from '@/db/client';
import { captureQueries, explain } from './plans';
import { summarize } from './stats';
import type { OperationSide } from './types';

/** One of the guide's operations, run through the dashboard's own query function. */
export interface BenchOperation<Input = unknown> {
  key: string;
  label: string;
  /** `server/queries/<file>.ts#fn`. */
  queryFunction: string;
  expectedIndexes: string[];
  /** Deterministic, varied inputs drawn from the seeded data (e.g. threads of every size). */
  inputs(db: Db, count: number): Promise<Input[]>;
  run(db: Db, input: Input): Promise<unknown>;
}

export interface MeasureOptions {
  /** Timed runs wanted. */
  runs: number;
  /** Untimed calls first (fewer if they take longer than warmupBudgetMs, at least two). */
  warmup: number;
  warmupBudgetMs: number;
  /** Stop early (after at least minRuns) once this much time has gone into timed runs. */
  budgetMs: number;
  minRuns: number;
}

/**
 * Median/p95 over `runs` calls cycling through the inputs (warm-up calls excluded), and the plan
 * of every statement the function sends, from EXPLAIN (FORMAT JSON) of the compiled SQL.
 */
export async function measureOperation<I>(
  db: Db,
  pool: pg.Pool,
  op: BenchOperation<I>,
  inputs: I[],
  options: MeasureOptions,
): Promise<OperationSide & { samples: number[] }> {
  if (inputs.length === 0) throw new Error(`${op.key}: no inputs could be drawn from the data`);
  const warmStart = performance.now();
  for (let i = 0; i < options.warmup; i++) {
    await op.run(db, inputs[(i * 7919) % inputs.length]!);
    if (i >= 1 && performance.now() - warmStart > options.warmupBudgetMs) break;
  }
  const samples: number[] = [];
  let spent = 0;
  for (let i = 0; i < options.runs; i++) {
    const input = inputs[i % inputs.length]!;
    const t0 = performance.now();
    await op.run(db, input);
    const ms = performance.now() - t0;
    samples.push(ms);
    spent += ms;
    if (spent > options.budgetMs && samples.length >= options.minRuns) break;
  }
  const queries = await captureQueries(pool, (spy) => op.run(spy, inputs[0]!));
  const plans = [];
  for (const q of queries) plans.push(await explain(db, q));
  return { latency: summarize(samples), plans, samples };
}

/** Picks `count` items spread evenly over a list sorted by size, so small and large ones both appear. */
export function spread<T>(sorted: T[], count: number): T[] {
  if (sorted.length <= count) return sorted;
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(sorted[Math.floor(((i + 0.5) * sorted.length) / count)]!);
  return out;
}

/** Interleaves a size-sorted sample so consecutive runs alternate small and large inputs. */
export function interleave<T>(xs: T[]): T[] {
  const out: T[] = [];
  for (let lo = 0, hi = xs.length - 1; lo <= hi; lo++, hi--) {
    out.push(xs[lo]!);
    if (hi !== lo) out.push(xs[hi]!);
  }
  return out;
}
