import { describe, expect, it } from 'vitest';
import { backendCpuReader, relativeError, summarizeVariant, triggerGroups, type WriteSample } from './writes';

const s = (singleWall: number, singleCpu: number | null, batchWall: number, batchCpu: number | null): WriteSample => ({
  single: { rows: 100, wallMs: singleWall, cpuMs: singleCpu },
  batch: { rows: 2000, wallMs: batchWall, cpuMs: batchCpu },
});

describe('summarizeVariant', () => {
  it('takes rows/s as the median of rounds and overheads from backend CPU per row', () => {
    // Wall clock says the indexes made it faster (a burst of load during the first rounds);
    // CPU per row says what they cost: 10 µs -> 12.5 µs per row, 20% of throughput.
    const without = [s(100, 10, 100, 20), s(400, 10, 400, 20), s(120, 10, 110, 20)];
    const withIdx = [s(90, 12.5, 90, 25), s(95, 12.5, 95, 25), s(100, 12.5, 100, 25)];
    const r = summarizeVariant(
      'api_usage',
      'batch',
      { without, with: withIdx, besideTrigger: withIdx, withTrigger: [] },
      [],
      ['api_usage_pkey'],
      1000,
    );
    expect(r.withoutIndexes).toBeCloseTo(2000 / 0.11);
    expect(r.withIndexes).toBeCloseTo(2000 / 0.095);
    expect(r.cpuUsPerRow).toEqual({ without: 10, with: 12.5, withTrigger: null });
    expect(r.indexOverhead).toBeCloseTo(0.2);
    expect(r.indexOverheadNoise).toBeCloseTo(0, 10);
    expect(r.overheadBasis).toBe('backend CPU');
    expect(r.rows).toBe(6000);
    expect(r.batchSize).toBe(1000);
    expect(r.withIndexesAndTrigger).toBeNull();
    expect(r.triggerOverhead).toBeNull();
  });

  it("falls back to wall clock when the server's CPU time cannot be read", () => {
    const r = summarizeVariant(
      't',
      'single',
      {
        without: [s(100, null, 1, null)],
        with: [s(125, null, 1, null)],
        besideTrigger: [s(125, null, 1, null)],
        withTrigger: [s(250, null, 1, null)],
      },
      ['trg'],
      [],
      1000,
    );
    expect(r.overheadBasis).toBe('wall clock');
    expect(r.cpuUsPerRow).toBeNull();
    expect(r.withoutIndexes).toBe(1000);
    expect(r.withIndexes).toBe(800);
    expect(r.indexOverhead).toBeCloseTo(0.2);
    expect(r.triggerOverhead).toBeCloseTo(0.5);
    expect(r.batchSize).toBe(1);
  });
});

describe('trigger groups', () => {
  it('groups triggers by feature (the name without its event) and measures each alone against the trigger-off rounds', () => {
    expect(
      triggerGroups(['api_usage_daily_delete', 'api_usage_daily_insert', 'api_usage_thread_daily_insert', 'shared_thread_messages_notify']),
    ).toEqual([
      { name: 'api_usage_daily', triggers: ['api_usage_daily_delete', 'api_usage_daily_insert'] },
      { name: 'api_usage_thread_daily', triggers: ['api_usage_thread_daily_insert'] },
      { name: 'shared_thread_messages_notify', triggers: ['shared_thread_messages_notify'] },
    ]);
    const off = [s(100, 10, 100, 20), s(100, 10, 100, 20)];
    const r = summarizeVariant(
      'api_usage',
      'batch',
      {
        without: off,
        with: off,
        besideTrigger: off,
        withTrigger: [s(100, 15, 100, 40)],
        byGroup: [
          { name: 'a', triggers: ['a_insert'], samples: [s(100, 12, 100, 25)] },
          { name: 'b', triggers: ['b_insert'], samples: [s(100, 13, 100, 32)] },
        ],
      },
      ['a_insert', 'b_insert'],
      [],
      1000,
    );
    expect(r.triggerOverhead).toBeCloseTo(0.5);
    expect(r.triggerGroups!.map((g) => [g.name, g.overhead, g.cpuUsPerRow])).toEqual([
      ['a', expect.closeTo(0.2), expect.closeTo(12.5)],
      ['b', expect.closeTo(0.375), expect.closeTo(16)],
    ]);
  });
});

describe('relativeError', () => {
  it('is the standard error of the mean over the mean', () => {
    expect(relativeError([10])).toBe(0);
    // mean 10, sample stdev 2, n 4: se 1, relative 0.1
    expect(relativeError([8, 12, 8, 12])).toBeCloseTo(Math.sqrt(16 / 3 / 4) / 10);
  });
});

describe('backendCpuReader', () => {
  it('refuses a pid that is not a postgres process (this one, or none)', () => {
    expect(backendCpuReader(process.pid)).toBeNull();
    expect(backendCpuReader(2 ** 22 + 12345)).toBeNull();
  });
});
