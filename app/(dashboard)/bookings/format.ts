// Formatting for the bookings screen. Everything takes the business time zone explicitly so the
// server's render and the browser's hydration print the same text.

import { dateTimeFormat as fmt } from '@/app/_components/date-format';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** 12345 -> "$123.45"; null -> "—" (no amount recorded). */
export function formatMoney(cents: number | null): string {
  return cents === null ? '—' : usd.format(cents / 100);
}

/** "Tue, Mar 10, 2026" in the business time zone. */
export function formatDate(d: Date, timeZone: string): string {
  return fmt(timeZone, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

/** "9:30 AM CDT" in the business time zone (the abbreviation says which side of a DST change). */
export function formatTime(d: Date, timeZone: string): string {
  return fmt(timeZone, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(d);
}

/** "March 2024": when someone became a customer. */
export function formatMonth(d: Date, timeZone: string): string {
  return fmt(timeZone, { year: 'numeric', month: 'long' }).format(d);
}

/** "America/Chicago" -> "Central Time (America/Chicago)"; falls back to the zone id. */
export function describeTimeZone(timeZone: string, at: Date = new Date()): string {
  try {
    const name = fmt(timeZone, { timeZoneName: 'longGeneric' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    return name && name !== timeZone ? `${name} (${timeZone})` : timeZone;
  } catch {
    return timeZone;
  }
}

export const STATUS_LABELS = {
  scheduled: 'Scheduled',
  confirmed: 'Confirmed',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
} as const;

/** Badge class and icon per status: the word is always there, colour and icon only reinforce it. */
export const STATUS_STYLES: Record<keyof typeof STATUS_LABELS, { className: string; icon: string }> = {
  scheduled: { className: 'badge', icon: '○' },
  confirmed: { className: 'badge badge-ok', icon: '✓' },
  in_progress: { className: 'badge badge-warn', icon: '◐' },
  completed: { className: 'badge badge-ok', icon: '✔' },
  cancelled: { className: 'badge badge-danger', icon: '✕' },
  no_show: { className: 'badge badge-danger', icon: '⚠' },
};
