'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { EmptyState } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import styles from './analytics.module.css';
import { AlertHistory } from './alert-history';
import { BudgetPanel } from './budget-panel';
import { CostChart } from './cost-chart';
import { CostSummary } from './cost-summary';
import { DailyTable } from './daily-table';
import { costCsv, csvFileName } from './csv';
import { formatDay, formatDayLong } from './format';
import { ServiceTable } from './service-table';
import { TopSpenders } from './top-spenders';

export function CostReportView({
  days,
  stale,
  hidden,
  onHiddenChange,
}: {
  days: number;
  stale: boolean;
  hidden: string[];
  onHiddenChange: (next: string[]) => void;
}) {
  const trpc = useTRPC();
  const { data: report } = useSuspenseQuery(trpc.analytics.costByService.queryOptions({ days }));
  const hiddenSet = useMemo(() => new Set(hidden), [hidden]);
  const [asTable, setAsTable] = useState(false);
  // The numbers are on screen (the chart follows; its own mark is chart-visible:analytics). Once per
  // range shown: the render-budget e2e test times page loads and range switches to this mark.
  useEffect(() => {
    if (!stale) performance.mark('data-visible:analytics');
  }, [report.period.days, stale]);
  // Colours follow the service's place in the full list, so hiding one never recolours the others.
  const visible = report.services.filter((s) => !hiddenSet.has(s.service));
  const toggle = (service: string) => onHiddenChange(hiddenSet.has(service) ? hidden.filter((s) => s !== service) : [...hidden, service]);

  const download = () => {
    const blob = new Blob([costCsv(report.days, visible)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = csvFileName(report.period.from, report.period.to, report.timeZone);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  return (
    <div className={`${styles.report} ${stale ? styles.stale : ''}`}>
      <p className="muted" style={{ margin: 0 }}>
        {report.period.days} complete days, {formatDay(report.period.from)} – {formatDayLong(report.period.to)}, compared with the{' '}
        {report.period.days} complete days before; today ({formatDay(report.today.day)}) is shown apart, still open. Days run midnight to
        midnight in <strong>{report.timeZone}</strong>, the business time zone.
      </p>
      {report.source === 'raw' && (
        <p className="notice" role="status" style={{ margin: 0 }}>
          Whole days are being added up from the raw usage rows, because the daily rollup is{' '}
          {report.rollupTimeZone === report.timeZone ? 'being rebuilt' : `cut in ${report.rollupTimeZone}`}. The figures are exact; the page
          is just slower. An admin can run <code>CALL api_usage_daily_rebuild(&apos;{report.timeZone}&apos;)</code>.
        </p>
      )}
      <CostSummary report={report} />
      {report.services.length === 0 ? (
        <EmptyState title={`No API usage in the last ${report.period.days} days`}>
          Costs appear here as soon as the app records calls to outside services. Try a longer range.
        </EmptyState>
      ) : (
        <>
          <section className={`card ${styles.chartSection}`} aria-labelledby="cost-chart-title">
            <div className={styles.sectionHead}>
              <h2 id="cost-chart-title">Daily cost by service</h2>
              <button type="button" className="btn" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
                {asTable ? 'View as chart' : 'View as table'}
              </button>
            </div>
            {asTable ? (
              <DailyTable report={report} hidden={hiddenSet} />
            ) : (
              <CostChart report={report} hidden={hiddenSet} onToggle={toggle} />
            )}
          </section>
          <section className="card" aria-labelledby="cost-table-title">
            <div className={styles.sectionHead}>
              <h2 id="cost-table-title">Cost by service</h2>
              <button type="button" className="btn" onClick={download} disabled={visible.length === 0}>
                ⬇ Download CSV
              </button>
            </div>
            <ServiceTable
              report={report}
              visible={visible}
              hiddenCount={report.services.length - visible.length}
              onShowAll={() => onHiddenChange([])}
            />
          </section>
        </>
      )}
      <section className="card" aria-labelledby="spenders-title">
        <h2 id="spenders-title">Who drives the cost: top customers and conversations, last {report.period.days} complete days</h2>
        <TopSpenders days={days} />
      </section>
      <section className="card" aria-labelledby="budgets-title" id="budgets">
        <h2 id="budgets-title">Monthly budgets</h2>
        <BudgetPanel services={report.services.map((s) => s.service)} />
      </section>
      <section className="card" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alert history</h2>
        <AlertHistory />
      </section>
    </div>
  );
}
