'use client';

import dynamic from 'next/dynamic';
import styles from './attribution.module.css';
import { percent } from './funnel-table';
import { type FunnelTotals, STEPS } from './types';

const COLORS = ['var(--c1)', 'var(--c6)', 'var(--c2)', 'var(--c3)', 'var(--c4)'];
const ROW = 48;

// recharts loads after the numbers (the labels beside the shapes, the cards, the table), into a
// box of the chart's own height, so nothing moves when it arrives.
const FunnelPlot = dynamic(() => import('./funnel-plot').then((m) => m.FunnelPlot), {
  ssr: false,
  loading: () => <div style={{ width: '100%', height: ROW * STEPS.length }} aria-hidden="true" />,
});

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
        <FunnelPlot data={data} height={ROW * STEPS.length} />
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
