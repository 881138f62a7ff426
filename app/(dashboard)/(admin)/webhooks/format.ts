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

/** "42 s", "3 min", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
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
