import { z } from 'zod';
import type { AppointmentStatus } from '@/db/schema';
import { isCalendarInstant } from './hardening';

// What every screen that lists appointments agrees on (bookings of a customer, the schedule):
// statuses, the keyset cursor, and which bookings need someone's attention. No server code: the
// routers, the query functions and the client components import this one module.

export const APPOINTMENT_STATUSES = [
  'scheduled',
  'confirmed',
  'in_progress',
  'completed',
  'cancelled',
  'no_show',
] as const satisfies readonly AppointmentStatus[];

export const appointmentStatus = z.enum(APPOINTMENT_STATUSES, { error: `status must be one of ${APPOINTMENT_STATUSES.join(', ')}` });

export const STATUS_LABELS: Record<AppointmentStatus, string> = {
  scheduled: 'Scheduled',
  confirmed: 'Confirmed',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
};

/**
 * "Needs attention": not yet confirmed by the customer (scheduled), or its start has passed and it
 * was never started, completed, cancelled or marked a no-show (scheduled or confirmed, date < now).
 * The query functions build their SQL from these two lists, the client highlights with needsAttention().
 */
export const ATTENTION = {
  unconfirmed: ['scheduled'],
  pastUnfinished: ['scheduled', 'confirmed'],
} as const satisfies Record<string, readonly AppointmentStatus[]>;

export function needsAttention(status: AppointmentStatus, date: Date, now: Date): boolean {
  return (
    (ATTENTION.unconfirmed as readonly string[]).includes(status) ||
    ((ATTENTION.pastUnfinished as readonly string[]).includes(status) && date < now)
  );
}

/** Keyset position: the row's date as exact UTC text (microseconds: a JS Date would lose them and skip rows) and id. */
export interface AppointmentCursor {
  date: string;
  id: number;
}

export const CURSOR_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([1-9]\d{0,15})$/;

export function encodeCursor(c: AppointmentCursor): string {
  return `${c.date}_${c.id}`;
}

/** null when malformed. */
export function decodeCursor(s: string): AppointmentCursor | null {
  const m = CURSOR_PATTERN.exec(s);
  if (!m) return null;
  const id = Number(m[2]);
  // Date.parse accepts Feb 30 and year 0000, PostgreSQL does not: the calendar check is shared.
  if (!Number.isSafeInteger(id) || !isCalendarInstant(m[1]!)) return null;
  return { date: m[1]!, id };
}

/** An opaque cursor from a previous page's nextCursor, checked to the letter. */
export const cursorInput = z
  .string({ error: 'cursor must be text' })
  .max(64, 'cursor is malformed')
  .regex(CURSOR_PATTERN, 'cursor is malformed')
  .refine((s) => decodeCursor(s) !== null, 'cursor is malformed');
