'use client';

import { Funnel, FunnelChart, Tooltip } from 'recharts';
import styles from './attribution.module.css';
import { percent } from './funnel-table';
import { type FunnelTotals, STEPS } from './types';

const COLORS = ['var(--c1)', 'var(--c6)', 'var(--c2)', 'var(--c3)', 'var(--c4)'];
const ROW = 48;

/**
 * The cohort's five steps as a funnel. Labels are an HTML list beside the chart, one row per
 * trapezoid (same height), so they never overlap the shapes however narrow the lower steps get.
 * The numbers are also in the cards and the table: the chart's text alternative.
 */
export function FunnelChartCard({ totals }: { totals: FunnelTotals }) {
  const data = STEPS.map((s, i) => ({ name: s.label, value: totals[s.key], fill: COLORS[i] }));
  const summary = data.map((d) => `${d.name}: ${d.value.toLocaleString('en-US')}`).join(', ');
  return (
    <div className="card">
      <h2>Funnel</h2>
      <figure className={styles.funnel} role="img" aria-label={`Conversion funnel. ${summary}.`}>
        <FunnelChart responsive style={{ width: '100%', height: ROW * STEPS.length }} margin={{ top: 0, right: 0, bottom: 0, left: 0 }}>
          <Tooltip formatter={(v) => Number(v).toLocaleString('en-US')} />
          <Funnel dataKey="value" nameKey="name" data={data} isAnimationActive={false} lastShapeType="rectangle" stroke="var(--surface)" />
        </FunnelChart>
        <ol className={styles.funnelLabels} aria-hidden="true">
          {STEPS.map((s, i) => (
            <li key={s.key} style={{ height: ROW }}>
              <span className={styles.swatch} style={{ background: COLORS[i] }} />
              <span>
                <strong>{totals[s.key].toLocaleString('en-US')}</strong> {s.short.toLowerCase()}
                {s.key !== 'visitors' && <span className="muted"> · {percent(totals.rates[s.key])}</span>}
              </span>
            </li>
          ))}
        </ol>
      </figure>
    </div>
  );
}
