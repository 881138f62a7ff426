import { describe, expect, it } from 'vitest';
import { fmtMs, fmtRatio, fmtSize, parseSize } from './format';
import { growthExponent, mean, median, percentile, relativeChange, speedup, summarize } from './stats';

describe('percentile', () => {
  it('interpolates linearly between closest ranks', () => {
    const xs = [1, 2, 3, 4];
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile(xs, 100)).toBe(4);
    expect(percentile(xs, 50)).toBe(2.5);
    expect(percentile(xs, 25)).toBeCloseTo(1.75);
  });

  it('matches numpy on 1..100: p95 = 95.05, p99 = 99.01', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 95)).toBeCloseTo(95.05, 10);
    expect(percentile(xs, 99)).toBeCloseTo(99.01, 10);
  });

  it("does not depend on input order and does not sort the caller's array", () => {
    const xs = [9, 1, 5, 3, 7];
    expect(percentile(xs, 50)).toBe(5);
    expect(xs).toEqual([9, 1, 5, 3, 7]);
  });

  it('of one sample is that sample', () => {
    expect(percentile([42], 95)).toBe(42);
  });

  it('rejects an empty sample and p outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(/empty/);
    expect(() => percentile([1], 101)).toThrow(/outside/);
    expect(() => percentile([1], Number.NaN)).toThrow(/outside/);
  });
});

describe('median and mean', () => {
  it('median of an even sample is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });
  it('mean', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(() => mean([])).toThrow();
  });
});

describe('summarize', () => {
  it('reports runs, median, p95, min and max', () => {
    const xs = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(summarize(xs)).toEqual({ runs: 200, medianMs: 100.5, p95Ms: percentile(xs, 95), minMs: 1, maxMs: 200 });
  });
});

describe('speedup', () => {
  it('is before / after', () => {
    expect(speedup(2000, 20)).toBe(100);
    expect(speedup(10, 40)).toBe(0.25);
  });
  it('is null when it cannot be said', () => {
    expect(speedup(null, 1)).toBeNull();
    expect(speedup(1, undefined)).toBeNull();
    expect(speedup(1, 0)).toBeNull();
    expect(speedup(0, 1)).toBeNull();
    expect(speedup(Number.NaN, 1)).toBeNull();
    expect(speedup(1, Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('relativeChange and growthExponent', () => {
  it('relative change', () => {
    expect(relativeChange(100, 125)).toBe(0.25);
    expect(relativeChange(0, 1)).toBeNull();
  });
  it('is ~1 for linear growth and ~0 for flat', () => {
    expect(growthExponent(100_000, 10, 1_000_000, 100)).toBeCloseTo(1);
    expect(growthExponent(100_000, 0.2, 1_000_000, 0.2)).toBeCloseTo(0);
    expect(growthExponent(100_000, 1, 100_000, 2)).toBeNull();
  });
});

describe('formatting', () => {
  it('milliseconds with sensible precision', () => {
    expect(fmtMs(0.0941)).toBe('0.094 ms');
    expect(fmtMs(1.234)).toBe('1.23 ms');
    expect(fmtMs(12.34)).toBe('12.3 ms');
    expect(fmtMs(1234)).toBe('1234 ms');
    expect(fmtMs(12_345)).toBe('12.3 s');
    expect(fmtMs(null)).toBe('n/a');
  });
  it('ratios', () => {
    expect(fmtRatio(412.6)).toBe('413x');
    expect(fmtRatio(3.66)).toBe('3.7x');
    expect(fmtRatio(null)).toBe('n/a');
  });
  it('sizes both ways', () => {
    expect(fmtSize(100_000)).toBe('100k');
    expect(fmtSize(1_000_000)).toBe('1M');
    expect(fmtSize(2_500)).toBe('2.5k');
    expect(parseSize('10m')).toBe(10_000_000);
    expect(parseSize('100k')).toBe(100_000);
    expect(parseSize('1000000')).toBe(1_000_000);
    expect(parseSize('1e6')).toBe(1_000_000);
    expect(() => parseSize('lots')).toThrow(/not a row count/);
  });
});
