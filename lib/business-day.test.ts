import { describe, expect, it } from 'vitest';
import { addDays, businessDayOf, dayRange, isIsoDay, isoWeekday, startOfDay, weekStart } from './business-day';

describe('business days', () => {
  it('knows real calendar days', () => {
    expect(isIsoDay('2024-02-29')).toBe(true);
    expect(isIsoDay('2025-02-29')).toBe(false);
    expect(isIsoDay('2025-13-01')).toBe(false);
    expect(isIsoDay('2025-1-01')).toBe(false);
    expect(isIsoDay('')).toBe(false);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-01-30', 3)).toBe('2026-02-02');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('finds the Monday of a week, across a month boundary', () => {
    expect(isoWeekday('2026-03-01')).toBe(7); // a Sunday
    expect(weekStart('2026-03-01')).toBe('2026-02-23');
    expect(weekStart('2026-02-23')).toBe('2026-02-23');
  });

  it('cuts days at local midnight, 23 and 25 hours long on DST days', () => {
    const tz = 'America/Chicago';
    expect(startOfDay('2026-03-09', tz).toISOString()).toBe('2026-03-09T05:00:00.000Z');
    expect(startOfDay('2026-03-08', tz).toISOString()).toBe('2026-03-08T06:00:00.000Z');
    const spring = dayRange('2026-03-08', 1, tz);
    expect((spring.to.getTime() - spring.from.getTime()) / 3_600_000).toBe(23);
    const fall = dayRange('2026-11-01', 1, tz);
    expect((fall.to.getTime() - fall.from.getTime()) / 3_600_000).toBe(25);
    const week = dayRange('2026-03-02', 7, tz);
    expect((week.to.getTime() - week.from.getTime()) / 3_600_000).toBe(7 * 24 - 1);
  });

  it('a zone whose midnight is skipped starts the day at 01:00', () => {
    // Santiago moves 00:00 -> 01:00 on the first Sunday of September 2026.
    const start = startOfDay('2026-09-06', 'America/Santiago');
    expect(businessDayOf(start, 'America/Santiago')).toBe('2026-09-06');
    expect(businessDayOf(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
  });

  it('names the business day of an instant', () => {
    expect(businessDayOf(new Date('2026-03-09T04:59:59.999Z'), 'America/Chicago')).toBe('2026-03-08');
    expect(businessDayOf(new Date('2026-03-09T05:00:00.000Z'), 'America/Chicago')).toBe('2026-03-09');
  });
});
