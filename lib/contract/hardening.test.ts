import { describe, expect, it } from 'vitest';
import { findNul, isCalendarInstant, calendarDay } from './hardening';

describe('findNul', () => {
  it('finds a NUL in nested strings and keys, with its path', () => {
    expect(findNul({ q: 'a\u0000b' })).toBe('q');
    expect(findNul({ a: [{ b: 'ok' }, { c: '\u0000' }] })).toBe('a.1.c');
    expect(findNul({ ['k\u0000']: 1 })).toBe('(key)');
    expect(findNul('\u0000')).toBe('(input)');
    expect(findNul({ q: 'plain', n: 1, d: new Date(), x: null })).toBeNull();
  });
});

describe('calendarDay and isCalendarInstant refuse what PostgreSQL refuses', () => {
  it.each(['2026-02-30', '2026-04-31', '0000-01-01', '2025-02-29', '2026-13-01', '2026-1-1'])('calendarDay refuses %s', (d) => {
    expect(calendarDay().safeParse(d).success).toBe(false);
  });
  it.each(['2024-02-29', '0001-01-01', '9999-12-31', '2026-03-09'])('calendarDay accepts %s', (d) => {
    expect(calendarDay().safeParse(d).success).toBe(true);
  });
  it.each([
    '2026-02-30T00:00:00.000000Z',
    '2026-04-31T12:00:00.000000Z',
    '0000-01-01T00:00:00.000000Z',
    '2026-01-01T24:00:00.000000Z',
    '2026-01-01T00:00:00.000Z',
  ])('isCalendarInstant refuses %s', (s) => expect(isCalendarInstant(s)).toBe(false));
  it('isCalendarInstant accepts a real instant with microseconds', () => {
    expect(isCalendarInstant('2024-02-29T23:59:59.999999Z')).toBe(true);
  });
});
