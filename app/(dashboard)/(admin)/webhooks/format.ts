// Formatting shared by the server page and the client components. Dates are printed in the
// business time zone with a fixed locale, so the server render and the hydration agree.

export function formatDateTime(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  }).format(d);
}

export const STATUS_BADGE: Record<string, string> = {
  pending: 'badge',
  processing: 'badge badge-warn',
  processed: 'badge badge-ok',
  failed: 'badge badge-warn',
  dead: 'badge badge-danger',
};

// Plain geometric glyphs (present in every system font), always next to the status word.
export const STATUS_ICON: Record<string, string> = {
  pending: '○',
  processing: '◐',
  processed: '✓',
  failed: '↻',
  dead: '✖',
};

/** The wall-clock parts of `d` in `timeZone`, as UTC milliseconds (for offsets and inputs). */
function wallClockMs(d: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
}

/** `d` as a datetime-local input value ("2026-03-01T09:30") in the business time zone. */
export function toZonedInput(d: Date | null, timeZone: string): string {
  return d ? new Date(wallClockMs(d, timeZone)).toISOString().slice(0, 16) : '';
}

/** A datetime-local value read as wall-clock time in the business time zone; null if empty or invalid. */
export function fromZonedInput(value: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  // The offset at the guess, then at the corrected instant (differs only across a DST change).
  let t = wall - (wallClockMs(new Date(wall), timeZone) - wall);
  t = wall - (wallClockMs(new Date(t), timeZone) - t);
  return new Date(t);
}
