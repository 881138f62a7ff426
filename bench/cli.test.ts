import { describe, expect, it } from 'vitest';
import { parseCli, sizesFor, UsageError } from './cli';

describe('sizesFor', () => {
  it('measures at 100k and 1M by default, and at 10M with --growth 10m', () => {
    expect(sizesFor(1_000_000, undefined)).toEqual([100_000, 1_000_000]);
    expect(sizesFor(1_000_000, '10m')).toEqual([100_000, 1_000_000, 10_000_000]);
    expect(sizesFor(300_000, undefined)).toEqual([100_000, 300_000, 1_000_000]);
  });
  it('takes a list, and adds --rows to it', () => {
    expect(sizesFor(5000, '2000,5k')).toEqual([2000, 5000]);
    expect(sizesFor(5000, '2000')).toEqual([2000, 5000]);
  });
  it('measures only --rows below 100k or with --growth none', () => {
    expect(sizesFor(5000, undefined)).toEqual([5000]);
    expect(sizesFor(1_000_000, 'none')).toEqual([1_000_000]);
  });
});

describe('parseCli', () => {
  it('defaults to 1M rows, HTTP on, the report in bench/RESULTS.md', () => {
    const o = parseCli([], {}, '/repo');
    expect(o.bench.rows).toBe(1_000_000);
    expect(o.bench.skipHttp).toBe(false);
    expect(o.bench.adminUrl).toBeNull();
    expect(o.results).toBe('/repo/bench/RESULTS.md');
    expect(o.out).toBeNull();
    expect(o.from).toBeNull();
    expect(o.bench.http).toEqual({ connections: 50, durationS: 10 });
  });
  it('reads the flags and DATABASE_URL', () => {
    const o = parseCli(
      ['--rows', '100k', '--skip-http', '--out', '/tmp/x.json', '--runs', '20'],
      { DATABASE_URL: 'postgres://u@h/db' },
      '/repo',
    );
    expect(o.bench.rows).toBe(100_000);
    expect(o.bench.skipHttp).toBe(true);
    expect(o.out).toBe('/tmp/x.json');
    expect(o.bench.main.runs).toBe(20);
    expect(o.bench.main.minRuns).toBe(20);
    expect(o.bench.adminUrl).toBe('postgres://u@h/db');
    expect(o.bench.command).toBe('npm run bench -- --rows 100k --skip-http --out /tmp/x.json --runs 20');
  });
  it('re-renders from saved figures with --from', () => {
    expect(parseCli(['--from', '/tmp/r.json'], {}, '/repo').from).toBe('/tmp/r.json');
  });
  it('rejects nonsense', () => {
    expect(() => parseCli(['--rows', 'many'], {}, '/repo')).toThrow(/not a row count/);
    expect(() => parseCli(['--rows', '10'], {}, '/repo')).toThrow(UsageError);
    expect(() => parseCli(['--runs', '0'], {}, '/repo')).toThrow(/--runs/);
    expect(() => parseCli(['--bogus'], {}, '/repo')).toThrow();
  });
});
