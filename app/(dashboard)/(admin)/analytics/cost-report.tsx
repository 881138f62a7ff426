'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { EmptyState } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import styles from './analytics.module.css';
import { CostChart } from './cost-chart';
import { CostSummary } from './cost-summary';
import { costCsv, csvFileName } from './csv';
import { formatDay, formatDayLong } from './format';
import { ServiceTable } from './service-table';

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
  // Colours follow the service's place in the full list, so hiding one never recolours the others.
  const visible = report.services.map((s, index) => ({ ...s, index })).filter((s) => !hiddenSet.has(s.service));
  const toggle = (service: string) =>
    onHiddenChange(hiddenSet.has(service) ? hidden.filter((s) => s !== service) : [...hidden, service]);

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
    <div className={`stack ${stale ? styles.stale : ''}`}>
      <p className="muted" style={{ margin: 0 }}>
        {formatDay(report.period.from)} – {formatDayLong(report.period.to)} · today is included and still open · days run midnight to
        midnight in <strong>{report.timeZone}</strong>, the business time zone.
      </p>
      {report.source === 'raw' && (
        <p className="notice" role="status" style={{ margin: 0 }}>
          Whole days are being added up from the raw usage rows, because the daily rollup is{' '}
          {report.rollupTimeZone === report.timeZone ? 'being rebuilt' : `cut in ${report.rollupTimeZone}`}. The figures are exact;
          the page is just slower. An admin can run <code>CALL api_usage_daily_rebuild(&apos;{report.timeZone}&apos;)</code>.
        </p>
      )}
      <CostSummary report={report} />
      {report.services.length === 0 ? (
        <EmptyState title={`No API usage in the last ${report.period.days} days`}>
          Costs appear here as soon as the app records calls to outside services. Try a longer range.
        </EmptyState>
      ) : (
        <>
          <section className="card" aria-labelledby="cost-chart-title">
            <h2 id="cost-chart-title">Daily cost by service</h2>
            <CostChart report={report} hidden={hiddenSet} onToggle={toggle} />
          </section>
          <section className="card" aria-labelledby="cost-table-title">
            <div className={styles.sectionHead}>
              <h2 id="cost-table-title">Cost by service</h2>
              <button type="button" className="btn" onClick={download} disabled={visible.length === 0}>
                ⬇ Download CSV
              </button>
            </div>
            <ServiceTable report={report} visible={visible} hiddenCount={report.services.length - visible.length} onShowAll={() => onHiddenChange([])} />
          </section>
        </>
      )}
    </div>
  );
}
