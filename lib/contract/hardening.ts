import { z } from 'zod';

/**
 * Input rules every area shares, so nothing PostgreSQL would reject ever reaches it (a rejected
 * value is a 500 with the server's error text; a refused one is a 400 that says what to fix).
 * No server code here: routers, query functions and client components import the same rules.
 */

/** PostgreSQL text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00"). */
export const NUL_MESSAGE = 'Text must not contain a NUL character (\\u0000).';

/** The path of the first string (or object key) holding a NUL, or null. Walks arrays and plain objects. */
export function findNul(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || '(input)' : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], [...path, String(i)], depth + 1);
      if (hit !== null) return hit;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, '(key)'].join('.');
    const hit = findNul(v, [...path, key], depth + 1);
    if (hit !== null) return hit;
  }
  return null;
}

/** A string schema that refuses NUL, for text that is stored or compared in SQL. */
export const safeText = (message = NUL_MESSAGE) => z.string().refine((s) => !s.includes('\u0000'), message);

/**
 * A calendar day "YYYY-MM-DD" that exists (no Feb 30, no Apr 31) in years 0001..9999: zod's
 * iso.date checks the calendar, and PostgreSQL has no year 0000.
 */
export function calendarDay(message = 'Dates must look like 2026-03-09 and exist on the calendar') {
  return z.iso.date({ error: message }).refine((s) => Number(s.slice(0, 4)) >= 1, message);
}

/**
 * True when `s` is an ISO instant with microseconds ("2026-03-09T14:05:00.123456Z") that exists:
 * Date.parse accepts Feb 30 and rolls it over to March 2, PostgreSQL refuses it, so the check is
 * a round trip through Date on the millisecond prefix, and the year must be 0001..9999.
 */
export function isCalendarInstant(s: string): boolean {
  const m = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.exec(s);
  if (!m || Number(m[1]) < 1) return false;
  const millis = `${s.slice(0, 23)}Z`;
  const t = Date.parse(millis);
  return Number.isFinite(t) && new Date(t).toISOString() === millis;
}
