import { describe, expect, it } from 'vitest';
import { toChartRows, zeroFill } from './chart-data';

const days = ['2025-11-18', '2025-11-19', '2025-11-20'];

describe('toChartRows', () => {
  it('has one row per day, in order, every service in every row', () => {
    const rows = toChartRows(days, [
      { service: 'openai', daily: [100, 0, 50] },
      { service: 'sms', daily: [1, 2, 3] },
    ]);
    expect(rows.map((r) => r.day)).toEqual(days);
    expect(rows.map((r) => r.label)).toEqual(['Nov 18', 'Nov 19', 'Nov 20']);
    expect(rows.map((r) => r.values)).toEqual([
      [100, 1],
      [0, 2],
      [50, 3],
    ]);
    expect(rows.map((r) => r.total)).toEqual([101, 2, 53]);
  });

  it('turns missing values (short series, null, NaN) into zeros', () => {
    const rows = toChartRows(days, [
      { service: 'a', daily: [5, null] },
      { service: 'b', daily: [Number.NaN, undefined, 7] },
    ]);
    expect(rows.map((r) => r.values)).toEqual([
      [5, 0],
      [0, 0],
      [0, 7],
    ]);
    expect(rows.map((r) => r.total)).toEqual([5, 0, 7]);
  });

  it('zeroes hidden services and leaves them out of the day total', () => {
    const rows = toChartRows(
      days,
      [
        { service: 'a', daily: [1, 1, 1] },
        { service: 'b', daily: [2, 2, 2] },
      ],
      new Set(['a']),
    );
    expect(rows.map((r) => r.values)).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
    expect(rows.map((r) => r.total)).toEqual([2, 2, 2]);
  });

  it('gives an empty chart no rows only when there are no days', () => {
    expect(toChartRows([], [{ service: 'a', daily: [] }])).toEqual([]);
    expect(toChartRows(days, []).map((r) => r.total)).toEqual([0, 0, 0]);
  });
});

describe('zeroFill', () => {
  it('spreads points over every day, zeros elsewhere, ignoring days outside and adding repeats', () => {
    expect(
      zeroFill(days, [
        ['2025-11-20', 4],
        ['2025-11-18', 1],
        ['2025-11-18', 2],
        ['2025-11-01', 99],
      ]),
    ).toEqual([3, 0, 4]);
    expect(zeroFill(days, [])).toEqual([0, 0, 0]);
  });
});
