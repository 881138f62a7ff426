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
 * Median/p95 of each operation over `runs` calls cycling through its inputs (warm-up calls
 * excluded), the operations taking turns call by call so that a burst of load elsewhere on the
 * machine lands on all of them alike; then the plan of every statement each function sends, from
 * EXPLAIN (FORMAT JSON) of the compiled SQL. An operation stops early once it has spent
 * `budgetMs` and has `minRuns` samples (sequential scans at 1M+ rows).
 */
export async function measureOperations(
  db: Db,
  pool: pg.Pool,
  ops: BenchOperation<any>[],
  inputs: Map<string, unknown[]>,
  options: MeasureOptions,
): Promise<Map<string, OperationSide>> {
  const state = ops.map((op) => {
    const xs = inputs.get(op.key) ?? [];
    if (xs.length === 0) throw new Error(`${op.key}: no inputs could be drawn from the data`);
    return { op, inputs: xs, samples: [] as number[], spent: 0, done: false };
  });
  for (const s of state) {
    const warmStart = performance.now();
    for (let i = 0; i < options.warmup; i++) {
      await s.op.run(db, s.inputs[(i * 7919) % s.inputs.length]);
      if (i >= 1 && performance.now() - warmStart > options.warmupBudgetMs) break;
    }
  }
  for (let i = 0; i < options.runs && state.some((s) => !s.done); i++) {
    for (const s of state) {
      if (s.done) continue;
      const t0 = performance.now();
      await s.op.run(db, s.inputs[i % s.inputs.length]);
      const ms = performance.now() - t0;
      s.samples.push(ms);
      s.spent += ms;
      if (s.spent > options.budgetMs && s.samples.length >= options.minRuns) s.done = true;
    }
  }
  const out = new Map<string, OperationSide>();
  for (const s of state) {
    const queries = await captureQueries(pool, (spy) => s.op.run(spy, s.inputs[0]));
    const plans = [];
    // Transaction control and SET LOCAL (the funnel's jit = off) have no plan.
    for (const q of queries) if (!/^\s*(begin|commit|rollback|set)\b/i.test(q.sql)) plans.push(await explain(db, q));
    out.set(s.op.key, { latency: summarize(s.samples), plans });
  }
  return out;
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
