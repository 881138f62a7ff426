'use client';

import dynamic from 'next/dynamic';
import { useEffect, useState } from 'react';
import styles from './analytics.module.css';
import { serviceColor } from '@/lib/contract/analytics';
import type { CostReport } from './types';

/**
 * recharts (most of this page's JavaScript) loads after the numbers: the cards and tables render
 * with the page, the bars when their module arrives. The placeholder is the plot's own box
 * (`.plot`: 320 px, 240 px on a phone), so nothing below it moves when they do.
 */
function PlotPlaceholder() {
  return <div className={`${styles.plot} ${styles.plotLoading}`} data-testid="cost-plot-loading" aria-hidden="true" />;
}

const CostPlot = dynamic(() => import('./cost-plot').then((m) => m.CostPlot), { ssr: false, loading: PlotPlaceholder });

/**
 * Daily cost by service as stacked bars: every day of the range (a day without usage is a zero
 * bar), a legend of toggle buttons (keyboard-usable; the choice lives in the URL), and a tooltip
 * with each service's cost and the day's total. The table below carries the same figures.
 */
export function CostChart({
  report,
  hidden,
  onToggle,
}: {
  report: CostReport;
  hidden: ReadonlySet<string>;
  onToggle: (service: string) => void;
}) {
  // The plot's module is asked for once the numbers are on screen, not while they render: on a
  // navigation its download and evaluation (recharts, about 100 kB) otherwise landed in the middle
  // of the render and held the numbers back (issue 23's warm navigation).
  const [numbersShown, setNumbersShown] = useState(false);
  useEffect(() => setNumbersShown(true), []);
  return (
    <div data-testid="cost-chart" className={styles.chart}>
      <div className={styles.legend} role="group" aria-label="Services shown in the chart">
        {report.services.map((s) => (
          <button
            key={s.service}
            type="button"
            className={styles.legendItem}
            aria-pressed={!hidden.has(s.service)}
            title={hidden.has(s.service) ? `Show ${s.service}` : `Hide ${s.service}`}
            onClick={() => onToggle(s.service)}
          >
            <span className={styles.swatch} style={{ background: serviceColor(s.service) }} aria-hidden="true" />
            {s.service}
          </button>
        ))}
      </div>
      <figure className={styles.figure} aria-describedby="cost-table">
        <figcaption className="sr-only">
          Stacked bar chart of the daily cost of each service, {report.days.length} days. The table “Cost by service” below lists the same
          figures.
        </figcaption>
        {numbersShown ? <CostPlot report={report} hidden={hidden} /> : <PlotPlaceholder />}
      </figure>
    </div>
  );
}
