import { describe, expect, it } from 'vitest';
import { formatDuration } from './format-duration';

describe('formatDuration', () => {
  it('reads the unit the caller names', () => {
    expect(formatDuration({ seconds: 90 })).toBe('1 min 30 s');
    expect(formatDuration({ ms: 90_000 })).toBe('1 min 30 s');
    expect(formatDuration({ minutes: 1.5 })).toBe('1 min 30 s');
    expect(formatDuration({ minutes: 90 })).toBe('1 h 30 min');
    expect(formatDuration({ ms: 90 })).toBe('0 s');
  });

  it('prints the two largest units and leaves out a zero second unit', () => {
    expect(formatDuration({ seconds: 0 })).toBe('0 s');
    expect(formatDuration({ seconds: 42 })).toBe('42 s');
    expect(formatDuration({ seconds: 180 })).toBe('3 min');
    expect(formatDuration({ seconds: 192 })).toBe('3 min 12 s');
    expect(formatDuration({ seconds: 3720 })).toBe('1 h 2 min');
    expect(formatDuration({ seconds: 3725 })).toBe('1 h 2 min');
    expect(formatDuration({ minutes: 45 })).toBe('45 min');
    expect(formatDuration({ minutes: 60 })).toBe('1 h');
    expect(formatDuration({ minutes: 345 })).toBe('5 h 45 min');
  });

  it('counts hours up to two days, then days and hours', () => {
    expect(formatDuration({ minutes: 47 * 60 + 59 })).toBe('47 h 59 min');
    expect(formatDuration({ minutes: 48 * 60 })).toBe('2 d');
    expect(formatDuration({ ms: (3 * 24 + 4) * 3_600_000 + 59_000 })).toBe('3 d 4 h');
  });

  it('coarse: no seconds past the first minute, for live ages and countdowns', () => {
    expect(formatDuration({ ms: 42_000 }, { coarse: true })).toBe('42 s');
    expect(formatDuration({ ms: (46 * 60 + 34) * 1000 }, { coarse: true })).toBe('46 min');
    expect(formatDuration({ ms: (46 * 60 + 34) * 1000 })).toBe('46 min 34 s');
    expect(formatDuration({ minutes: 125 }, { coarse: true })).toBe('2 h 5 min');
  });

  it('rounds to the second, and never prints a negative or non-finite length', () => {
    expect(formatDuration({ ms: 1_499 })).toBe('1 s');
    expect(formatDuration({ ms: 59_600 })).toBe('1 min');
    expect(formatDuration({ ms: -5_000 })).toBe('0 s');
    expect(formatDuration({ seconds: Number.NaN })).toBe('0 s');
  });
});
