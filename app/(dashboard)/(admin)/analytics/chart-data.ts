import { formatDay } from './format';

export interface ChartRow {
  day: string;
  label: string;
  /** Cost in cents per service, in the order of `services` (0 for a hidden service). */
  values: number[];
  /** Sum of the visible services' costs this day. */
  total: number;
}

/**
 * Rows for a stacked bar chart: one per day of `days`, in order, every service present. A value the
 * series lacks (short array, null, NaN) counts as zero, so a day without usage is a zero-height bar,
 * never a gap or a shifted axis. Hidden services are zeroed and left out of the day's total.
 */
export function toChartRows(
  days: readonly string[],
  services: ReadonlyArray<{ service: string; daily: ReadonlyArray<number | null | undefined> }>,
  hidden: ReadonlySet<string> = new Set(),
): ChartRow[] {
  return days.map((day, i) => {
    const values = services.map((s) => {
      const v = s.daily[i];
      return hidden.has(s.service) || typeof v !== 'number' || !Number.isFinite(v) ? 0 : v;
    });
    return { day, label: formatDay(day), values, total: values.reduce((a, v) => a + v, 0) };
  });
}

/**
 * A series given as (day, value) points, spread over every day of `days` with zeros where a day
 * has no point; points outside `days` are ignored, repeated days add up.
 */
export function zeroFill(days: readonly string[], points: Iterable<readonly [string, number]>): number[] {
  const index = new Map(days.map((d, i) => [d, i]));
  const out = new Array<number>(days.length).fill(0);
  for (const [day, value] of points) {
    const i = index.get(day);
    if (i !== undefined) out[i] = out[i]! + value;
  }
  return out;
}
