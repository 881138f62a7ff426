'use client';

import { useEffect, useMemo, useRef } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import styles from './analytics.module.css';
import { serviceColor } from '@/lib/contract/analytics';
import { type ChartRow, toChartRows } from './chart-data';
import { formatDayLong, formatMoney, formatMoneyCompact } from './format';
import type { CostReport } from './types';

/** The bars of CostChart: loaded on its own (next/dynamic), after the page's numbers. */
export function CostPlot({ report, hidden }: { report: CostReport; hidden: ReadonlySet<string> }) {
  const rows = useMemo(() => toChartRows(report.days, report.services, hidden), [report, hidden]);
  // One stable accessor per series: recharts re-registers a Bar whose dataKey changes identity.
  const accessors = useMemo(() => report.services.map((_, i) => (row: ChartRow) => row.values[i] ?? 0), [report.services]);
  const ref = useRef<HTMLDivElement>(null);
  useChartVisibleMark(ref, report.total.costCents > 0);
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
          />
        ))}
      </BarChart>
    </div>
  );
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
 * (the numbers' own mark, data-visible:analytics, comes first: cost-summary.tsx).
 * recharts lays out after measuring its container, so this waits for the SVG, a frame at a time.
 */
function useChartVisibleMark(ref: React.RefObject<HTMLDivElement | null>, expectBars: boolean) {
  useEffect(() => {
    let frame = 0;
    let raf = 0;
    const check = () => {
      const drawn = ref.current?.querySelector(expectBars ? '.recharts-bar-rectangle' : '.recharts-surface');
      if (drawn || frame++ > 120) performance.mark('chart-visible:analytics');
      else raf = requestAnimationFrame(check);
    };
    check();
    return () => cancelAnimationFrame(raf);
    // Once per mount: range changes are not page loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}
