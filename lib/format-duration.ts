/**
 * A length of time, with its unit said at the call site: formatDuration({ seconds: 192 }),
 * formatDuration({ ms: age }), formatDuration({ minutes: 90 }). One rule for every screen: the two
 * largest units, a zero second unit left out ("42 s", "3 min 12 s", "1 h 30 min", "2 h", "3 d 4 h").
 * Days start at 48 hours (a 30-hour backlog reads better as "30 h"). Negative lengths print as 0.
 * `coarse`: no seconds once past a minute ("46 min", not "46 min 34 s"), for a live age or a
 * countdown where ticking seconds are noise and make a stat wrap on a phone.
 */
export type Duration = { ms: number } | { seconds: number } | { minutes: number };

function toSeconds(d: Duration): number {
  if ('ms' in d) return d.ms / 1000;
  if ('seconds' in d) return d.seconds;
  return d.minutes * 60;
}

const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
  small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;

export function formatDuration(d: Duration, { coarse = false }: { coarse?: boolean } = {}): string {
  const raw = toSeconds(d);
  const s = Number.isFinite(raw) ? Math.max(0, Math.round(raw)) : 0;
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return pair(m, 'min', coarse ? 0 : s % 60, 's');
  const h = Math.floor(m / 60);
  if (h < 48) return pair(h, 'h', m % 60, 'min');
  return pair(Math.floor(h / 24), 'd', h % 24, 'h');
}
