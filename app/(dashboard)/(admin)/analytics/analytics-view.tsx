'use client';

import { useQueryStates } from 'nuqs';
import { useDeferredValue } from 'react';
import { QueryBoundary } from '@/app/_components/states';
import { CostReportView } from './cost-report';
import { PRESETS } from '@/lib/contract/analytics';
import { analyticsSearchParams } from './search-params';
import { PageHeader } from '@/app/_components/page-header';

export function AnalyticsView() {
  const [{ days, hide }, setParams] = useQueryStates(analyticsSearchParams);
  // Keep the current range on screen (marked as updating) while the next one loads.
  const shownDays = useDeferredValue(days);
  const stale = shownDays !== days;

  return (
    <div className="stack">
      <PageHeader
        title="Cost analytics"
        description="What the outside APIs (language models, SMS, voice, maps…) cost, per service and per day."
      >
        <div className="row">
          <div className="segmented" role="group" aria-label="Range">
            {PRESETS.map((n) => (
              <button key={n} type="button" aria-pressed={days === n} onClick={() => void setParams({ days: n }, { history: 'push' })}>
                {n} days
              </button>
            ))}
          </div>
          <span className="muted" aria-live="polite" style={{ fontSize: '0.85rem', minWidth: '5.5em' }}>
            {stale ? 'Updating…' : ''}
          </span>
        </div>
      </PageHeader>
      <QueryBoundary>
        {/* Prefetched on the server: no Suspense boundary (see QueryBoundary). */}
        <CostReportView
          days={shownDays}
          stale={stale}
          hidden={hide}
          onHiddenChange={(next) => void setParams({ hide: next.length ? next : null })}
        />
      </QueryBoundary>
    </div>
  );
}
