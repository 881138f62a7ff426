'use client';

import { memo, startTransition, useEffect, useMemo, useRef, useState } from 'react';
import { Bar, BarChart, type BarShapeProps, CartesianGrid, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import styles from './analytics.module.css';
import { serviceColor } from '@/lib/contract/analytics';
import { type ChartRow, toChartRows } from './chart-data';
import { formatDayLong, formatMoney, formatMoneyCompact } from './format';
import type { CostReport } from './types';

/**
 * The bars of CostChart: loaded on its own (next/dynamic), after the page's numbers.
 *
 * A range switch commits the new numbers first and redraws the bars in a render of their own (a
 * transition started once that commit is on screen), dimmed until they match: drawing 90 days x 8
 * services took longer than the rest of the page together (profiled: up to a second of recharts
 * work on this machine), and the numbers no longer wait for it. (useDeferredValue would not split
 * them: the new range's render is itself non-urgent, and there a deferred value is not deferred.)
 */
export function CostPlot({ report, hidden }: { report: CostReport; hidden: ReadonlySet<string> }) {
  const [shown, setShown] = useState({ report, hidden });
  useEffect(() => {
    if (shown.report !== report || shown.hidden !== hidden) startTransition(() => setShown({ report, hidden }));
  }, [report, hidden, shown]);
  const stale = shown.report !== report || shown.hidden !== hidden;
  return (
    <div className={stale ? styles.plotStale : undefined} aria-busy={stale}>
      <PlotBody report={shown.report} hidden={shown.hidden} />
    </div>
  );
}

/**
 * Memoized: a render that leaves the figures alone (the "Updating…" state of a range switch, the
 * dimming while the bars catch up) does not redraw the chart.
 */
const PlotBody = memo(function PlotBody({ report, hidden }: { report: CostReport; hidden: ReadonlySet<string> }) {
  const rows = useMemo(() => toChartRows(report.days, report.services, hidden), [report, hidden]);
  // One stable accessor per series: recharts re-registers a Bar whose dataKey changes identity.
  const accessors = useMemo(() => report.services.map((_, i) => (row: ChartRow) => row.values[i] ?? 0), [report.services]);
  const ref = useRef<HTMLDivElement>(null);
  // One rect per visible service's non-zero day (BarShape draws nothing for a zero).
  const bars = useMemo(() => rows.reduce((n, r) => n + r.values.filter((v) => v > 0).length, 0), [rows]);
  useChartVisibleMark(ref, bars, rows);
  const names = report.services.map((s) => s.service);

  return (
    <div ref={ref}>
      <BarChart data={rows} responsive className={styles.plot} margin={{ top: 8, right: 8, bottom: 0, left: 4 }}>
        <CartesianGrid vertical={false} strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis
          dataKey="label"
          interval="preserveStartEnd"
          minTickGap={12}
          tick={{ fontSize: 12, fill: 'var(--muted)' }}
          stroke="var(--border)"
        />
        <YAxis
          tickFormatter={(v: number) => formatMoneyCompact(v)}
          width={56}
          tick={{ fontSize: 12, fill: 'var(--muted)' }}
          stroke="var(--border)"
        />
        <Tooltip
          cursor={{ fill: 'var(--surface-2)' }}
          content={(props) => <DayTooltip active={props.active} payload={props.payload} names={names} hidden={hidden} />}
        />
        {report.services.map((s, i) => (
          <Bar
            key={s.service}
            dataKey={accessors[i]!}
            name={s.service}
            stackId="cost"
            fill={serviceColor(s.service)}
            hide={hidden.has(s.service)}
            isAnimationActive={false}
            shape={BarShape}
          />
        ))}
      </BarChart>
    </div>
  );
});

/**
 * A bar as a plain rect. recharts' default shape (Rectangle) measures its path on mount
 * (getTotalLength: a forced layout) and sets state from it, once per bar, and a new range
 * remounts every bar: 720 of them at 90 days. The bars are square and never animated, so none of
 * that is needed.
 */
function BarShape({ x, y, width, height, fill }: BarShapeProps) {
  if (!(width > 0) || !height) return null;
  return <rect x={x} y={height < 0 ? y + height : y} width={width} height={Math.abs(height)} fill={fill} />;
}

function DayTooltip({
  active,
  payload,
  names,
  hidden,
}: Pick<TooltipContentProps, 'active' | 'payload'> & { names: string[]; hidden: ReadonlySet<string> }) {
  const row = payload?.[0]?.payload as ChartRow | undefined;
  if (!active || !row) return null;
  const lines = names.map((name, i) => ({ name, i, value: row.values[i] ?? 0 })).filter((l) => !hidden.has(l.name) && l.value > 0);
  return (
    <div className={styles.tooltip}>
      <strong>{formatDayLong(row.day)}</strong>
      <table>
        <tbody>
          {lines.map((l) => (
            <tr key={l.name}>
              <td>
                <span className={styles.swatch} style={{ background: serviceColor(l.name) }} aria-hidden="true" />
                {l.name}
              </td>
              <td className="num">{formatMoney(l.value)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>Day total{hidden.size ? ' (shown)' : ''}</td>
            <td className="num">{formatMoney(row.total)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/**
 * performance.mark('chart-visible:analytics') once the chart has drawn (its bars, or its empty
 * plot when nothing was spent): the render-budget e2e test reports navigation to this mark
 * (the numbers' own mark, data-visible:analytics, comes first: cost-report.tsx), and a range
 * switch to it once the bars show the new range.
 * recharts lays out after measuring its container, so this waits for the SVG, a frame at a time.
 */
function useChartVisibleMark(ref: React.RefObject<HTMLDivElement | null>, bars: number, rows: ChartRow[]) {
  useEffect(() => {
    let frame = 0;
    let raf = 0;
    const check = () => {
      // recharts draws from its own store, a frame or more after our commit: until then the
      // previous range's bars are on screen, so count the new range's.
      const drawn =
        bars > 0
          ? ref.current?.querySelectorAll('.recharts-bar-rectangle rect').length === bars
          : ref.current?.querySelector('.recharts-surface');
      if (drawn || frame++ > 120) performance.mark('chart-visible:analytics');
      else raf = requestAnimationFrame(check);
    };
    check();
    return () => cancelAnimationFrame(raf);
  }, [ref, bars, rows]);
}
