/**
 * The few statistics the bench reports. Percentiles interpolate linearly between closest ranks
 * (numpy's default, "type 7"), so the median of an even-sized sample is the mean of the middle two
 * and p95 of 200 runs does not jump between neighbouring samples.
 */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty sample');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile ${p} is outside 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty sample');
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export interface LatencySummary {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  return {
    runs: samplesMs.length,
    medianMs: median(samplesMs),
    p95Ms: percentile(samplesMs, 95),
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
  };
}

/**
 * How many times faster `after` is than `before` (before / after). Null when it cannot be said:
 * a missing side, or a zero/negative/non-finite time.
 */
export function speedup(beforeMs: number | null | undefined, afterMs: number | null | undefined): number | null {
  if (beforeMs == null || afterMs == null) return null;
  if (!Number.isFinite(beforeMs) || !Number.isFinite(afterMs) || beforeMs <= 0 || afterMs <= 0) return null;
  return beforeMs / afterMs;
}

/** Relative change of `after` against `before`, e.g. 0.25 for 25% more. */
export function relativeChange(before: number, after: number): number | null {
  if (!Number.isFinite(before) || !Number.isFinite(after) || before === 0) return null;
  return (after - before) / before;
}

/**
 * How a latency scales between two table sizes: the exponent k in t ~ n^k.
 * ~1 grows linearly with the table, ~0 stays flat.
 */
export function growthExponent(sizeA: number, msA: number, sizeB: number, msB: number): number | null {
  if (sizeA <= 0 || sizeB <= 0 || msA <= 0 || msB <= 0 || sizeA === sizeB) return null;
  return Math.log(msB / msA) / Math.log(sizeB / sizeA);
}
