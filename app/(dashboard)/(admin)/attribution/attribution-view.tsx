'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useQueryStates } from 'nuqs';
import { Suspense, useDeferredValue, useEffect } from 'react';
import { EmptyState, QueryBoundary, SkeletonCard } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import styles from './attribution.module.css';
import { funnelCsv } from './csv';
import { FunnelChartCard } from './funnel-chart';
import { FunnelTable, percent } from './funnel-table';
import { addDays, daysBetween, isDay } from '@/lib/business-day';
import { attributionSearchParams, FUNNEL_PRESETS, funnelInputFromUrl, MAX_FUNNEL_DAYS } from '@/lib/contract/attribution';
import { STEPS } from './types';
import { PageHeader } from '@/app/_components/page-header';
import { ATTRIBUTION_DESCRIPTION } from './header';

export function AttributionView({ today, timeZone }: { today: string; timeZone: string }) {
  const [params, setParams] = useQueryStates(attributionSearchParams);
  const range = funnelInputFromUrl(params, today);
  // Keep showing the previous range's numbers (dimmed) while the new ones load, instead of a skeleton.
  const key = `${range.from}|${range.to}`;
  const deferredKey = useDeferredValue(key);
  const [from, to] = deferredKey.split('|') as [string, string];
  const stale = deferredKey !== key;

  const setRange = (next: { from: string; to: string }) => void setParams(funnelInputFromUrl(next, today), { history: 'push' });
  const days = daysBetween(range.from, range.to);

  return (
    <div className="stack">
      <PageHeader title="Attribution" description={`${ATTRIBUTION_DESCRIPTION} Days in ${timeZone}.`} />

      <form className={`card ${styles.controls}`} aria-label="Date range" onSubmit={(e) => e.preventDefault()}>
        <label className={styles.field}>
          From
          <input
            className="input"
            type="date"
            value={range.from}
            max={range.to}
            onChange={(e) => isDay(e.target.value) && setRange({ from: e.target.value, to: range.to })}
          />
        </label>
        <label className={styles.field}>
          To
          <input
            className="input"
            type="date"
            value={range.to}
            min={range.from}
            max={today}
            onChange={(e) => isDay(e.target.value) && setRange({ from: range.from, to: e.target.value })}
          />
        </label>
        <div className="segmented" role="group" aria-label="Quick ranges">
          {FUNNEL_PRESETS.map((n) => {
            const active = range.to === today && days === n;
            return (
              <button key={n} type="button" aria-pressed={active} onClick={() => setRange({ from: addDays(today, -(n - 1)), to: today })}>
                {n === 365 ? '1 year' : `${n} days`}
              </button>
            );
          })}
        </div>
        <span className="muted" aria-live="polite" style={{ fontSize: '0.85rem' }}>
          {stale ? 'Updating…' : `${days} day${days === 1 ? '' : 's'} (at most ${MAX_FUNNEL_DAYS})`}
        </span>
      </form>

      <QueryBoundary>
        <Suspense fallback={<FunnelSkeleton />}>
          <FunnelSection from={from} to={to} stale={stale} />
        </Suspense>
      </QueryBoundary>
    </div>
  );
}

/** The funnel and sources while they load; loading.tsx shows the same. */
export function FunnelSkeleton() {
  return (
    <>
      <SkeletonCard rows={5} height={36} label="Loading funnel" />
      <SkeletonCard rows={8} height={22} label="Loading sources" />
    </>
  );
}

function FunnelSection({ from, to, stale }: { from: string; to: string; stale: boolean }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.attribution.funnel.queryOptions({ from, to }));

  // Once per range shown (a page load, or a range switch once its numbers replace the old ones):
  // the render-budget e2e test times both to this mark.
  useEffect(() => {
    if (!stale) performance.mark('data-visible:attribution');
  }, [from, to, stale]);

  function exportCsv() {
    const blob = new Blob([funnelCsv(data.rows, data.totals, { from, to })], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `attribution-${from}-to-${to}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  const t = data.totals;
  return (
    <div className="stack" aria-busy={stale} style={{ opacity: stale ? 0.6 : 1, transition: 'opacity 120ms' }}>
      <section className={styles.steps} aria-label="Funnel totals">
        {STEPS.map((s) => (
          <div key={s.key} className="card">
            <div className="stat-label">{s.label}</div>
            <div className="stat-value">{t[s.key].toLocaleString('en-US')}</div>
            <div className="muted" style={{ fontSize: '0.8rem' }}>
              {s.key === 'visitors' ? 'first visit in range' : `${percent(t.rates[s.key])} of the step before`}
            </div>
          </div>
        ))}
      </section>

      {t.visitors === 0 ? (
        <EmptyState title="No visitors in this range">
          Pick a wider range, or check that the website's tracking snippet is recording visits.
        </EmptyState>
      ) : (
        <>
          <FunnelChartCard totals={t} />
          <div className="card">
            <div className={styles.tableHead}>
              <h2 style={{ margin: 0 }}>By source</h2>
              <button type="button" className="btn" onClick={exportCsv}>
                ⬇ Export CSV
              </button>
            </div>
            <FunnelTable rows={data.rows} totals={t} />
          </div>
        </>
      )}
    </div>
  );
}
