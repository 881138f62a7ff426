import { describe, expect, it } from 'vitest';
import { addDays, businessDay, dayBounds, dayRange, daysBetween, isDay, isoWeekday, startOfBusinessDay, weekStart } from './business-day';

describe('business days', () => {
  it('does calendar arithmetic across months, leap days and DST without a zone', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-03-01', '2026-03-01')).toBe(1);
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(31);
    expect(dayRange('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('knows a real day from a lookalike', () => {
    expect(isDay('2026-03-09')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-3-9')).toBe(false);
    expect(isDay('1969-12-31')).toBe(false);
  });

  it('reads "today" in the zone it is given', () => {
    const at = new Date('2026-03-09T03:30:00Z');
    expect(businessDay('UTC', at)).toBe('2026-03-09');
    expect(businessDay('America/Chicago', at)).toBe('2026-03-08');
  });

  it('starts a day at local midnight, including the short DST day', () => {
    // 2026-03-08 in Chicago is 23 hours long (clocks spring forward at 02:00).
    expect(startOfBusinessDay('2026-03-08', 'America/Chicago').toISOString()).toBe('2026-03-08T06:00:00.000Z');
    expect(startOfBusinessDay('2026-03-08', 'America/Chicago', 1).toISOString()).toBe('2026-03-09T05:00:00.000Z');
    expect(dayBounds({ from: '2026-03-08', to: '2026-03-08' }, 'America/Chicago')).toEqual({
      from: new Date('2026-03-08T06:00:00Z'),
      to: new Date('2026-03-09T05:00:00Z'),
    });
    expect(dayBounds({ from: null }, 'UTC')).toEqual({ from: null, to: null });
  });

  it('finds the Monday of a week, across a month boundary', () => {
    expect(isoWeekday('2026-03-01')).toBe(7); // a Sunday
    expect(weekStart('2026-03-01')).toBe('2026-02-23');
    expect(weekStart('2026-02-23')).toBe('2026-02-23');
    expect(weekStart('2026-01-01')).toBe('2025-12-29');
  });

  it('a fall-back day is 25 hours, and a zone whose midnight is skipped starts the day at 01:00', () => {
    const fall =
      startOfBusinessDay('2026-11-01', 'America/Chicago', 1).getTime() - startOfBusinessDay('2026-11-01', 'America/Chicago').getTime();
    expect(fall / 3_600_000).toBe(25);
    // Santiago moves 00:00 -> 01:00 on the first Sunday of September 2026.
    const start = startOfBusinessDay('2026-09-06', 'America/Santiago');
    expect(businessDay('America/Santiago', start)).toBe('2026-09-06');
    expect(businessDay('America/Santiago', new Date(start.getTime() - 1))).toBe('2026-09-05');
  });
});
