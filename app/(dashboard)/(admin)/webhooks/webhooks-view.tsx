'use client';

import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useQueryStates } from 'nuqs';
import { type FormEvent, Suspense, useDeferredValue, useEffect } from 'react';
import { QueryBoundary, Skeleton } from '@/app/_components/states';
import { WEBHOOKS_DESCRIPTION } from './header';
import { useTRPC } from '@/app/_trpc/client';
import { WEBHOOK_STATUSES, type WebhookStatus, webhooksSearchParams } from '@/lib/contract/webhooks';
import { BulkReplay } from './bulk-replay';
import { EventDetail } from './event-detail';
import { EventTypeField } from './event-type-field';
import { EventTable, EventTableSkeleton, type ListFilter } from './event-table';
import { formatDuration } from '@/lib/format-duration';
import { fromZonedInput, STATUS_ICON, toZonedInput } from './format';
import { Rejections, SecretWarning } from './rejections';
import { webhooksUrl } from './search-params';
import styles from './webhooks.module.css';
import { PageHeader } from '@/app/_components/page-header';

type Status = WebhookStatus;
const STATUSES = WEBHOOK_STATUSES;
const STATUS_LABEL: Record<Status, string> = {
  pending: 'Pending',
  processing: 'Processing',
  processed: 'Processed',
  failed: 'Failed (retrying)',
  dead: 'Dead',
};

export function WebhooksView({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [params, setParams] = useQueryStates(webhooksSearchParams);
  const filter: ListFilter = { status: params.status, type: params.type, q: params.q, from: params.from, to: params.to };
  // Keep showing the previous filter's rows (dimmed) while the new ones load, instead of a skeleton.
  const deferred = useDeferredValue(filter);
  const stale = JSON.stringify(deferred) !== JSON.stringify(filter);
  const filtered = Object.values(filter).some((v) => v !== null);

  const setFilter = (next: Partial<ListFilter>) => void setParams({ ...next, event: null }, { history: 'push' });
  const onSearch = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget).get('q') ?? '').trim();
    setFilter({ q: q || null });
  };

  return (
    <div className="stack">
      <PageHeader title="Webhooks" description={`${WEBHOOKS_DESCRIPTION} Times in ${timeZone}.`}>
        <button className="btn" type="button" onClick={() => void queryClient.invalidateQueries(trpc.webhooks.pathFilter())}>
          ↻ Refresh
        </button>
      </PageHeader>

      <QueryBoundary>
        <Suspense fallback={null}>
          <SecretWarning />
        </Suspense>
      </QueryBoundary>

      <QueryBoundary>
        <Suspense fallback={<StatsSkeleton />}>
          <QueueStats active={params.status} onPick={(status) => setFilter({ status })} />
        </Suspense>
      </QueryBoundary>

      <div className={styles.layout} data-detail={params.event ? 'open' : undefined}>
        <section className={`card ${styles.listCard}`} aria-labelledby="events-heading">
          <div className={styles.listHead}>
            <h2 id="events-heading" style={{ margin: 0 }}>
              Events
            </h2>
            <form className={styles.filters} role="search" aria-label="Find events" onSubmit={onSearch}>
              <label className={styles.field}>
                Event, job or customer id
                <input
                  key={params.q ?? ''}
                  className="input"
                  name="q"
                  type="search"
                  defaultValue={params.q ?? ''}
                  placeholder="evt_…, job_…, cus_…"
                  maxLength={200}
                />
              </label>
              <button className="btn" type="submit">
                Search
              </button>
            </form>
          </div>
          <form
            className={styles.filters}
            aria-label="Filter events"
            onSubmit={(e) => e.preventDefault()}
            style={{ marginBottom: '0.75rem' }}
          >
            <label className={styles.field}>
              Status
              <select
                className="input"
                value={params.status ?? ''}
                onChange={(e) => setFilter({ status: (e.target.value || null) as Status | null })}
              >
                <option value="">All statuses</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABEL[s]}
                  </option>
                ))}
              </select>
            </label>
            <QueryBoundary>
              <EventTypeField value={params.type} onChange={(type) => setFilter({ type })} />
            </QueryBoundary>
            <label className={styles.field}>
              Received from
              <input
                className="input"
                type="datetime-local"
                value={toZonedInput(params.from, timeZone)}
                onChange={(e) => setFilter({ from: fromZonedInput(e.target.value, timeZone) })}
              />
            </label>
            <label className={styles.field}>
              to
              <input
                className="input"
                type="datetime-local"
                value={toZonedInput(params.to, timeZone)}
                onChange={(e) => setFilter({ to: fromZonedInput(e.target.value, timeZone) })}
              />
            </label>
            {filtered && (
              <button className="btn" type="button" onClick={() => setFilter({ status: null, type: null, q: null, from: null, to: null })}>
                Clear
              </button>
            )}
          </form>
          <QueryBoundary>
            <Suspense fallback={<EventTableSkeleton />}>
              <EventTable
                filter={deferred}
                stale={stale}
                selected={params.event}
                onSelect={(event) => void setParams({ event })}
                hrefFor={(event) => webhooksUrl('/webhooks', { ...params, event })}
                timeZone={timeZone}
              />
            </Suspense>
          </QueryBoundary>
        </section>

        {params.event && (
          <section className={`card ${styles.detailCard}`} aria-label={`Event ${params.event}`}>
            <QueryBoundary key={params.event}>
              <EventDetail id={params.event} timeZone={timeZone} onClose={() => void setParams({ event: null })} />
            </QueryBoundary>
          </section>
        )}
      </div>

      <QueryBoundary>
        <BulkReplay timeZone={timeZone} />
      </QueryBoundary>

      <QueryBoundary>
        <Suspense fallback={<Skeleton rows={4} height={20} label="Loading rejected deliveries" />}>
          <Rejections timeZone={timeZone} />
        </Suspense>
      </QueryBoundary>
    </div>
  );
}

function QueueStats({ active, onPick }: { active: Status | null; onPick: (s: Status | null) => void }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery({ ...trpc.webhooks.stats.queryOptions(), refetchInterval: 15_000 });
  // The queue's counts are on screen: the render-budget e2e test measures navigation to this mark.
  useEffect(() => {
    performance.mark('data-visible:webhooks');
  }, []);
  const now = data.now.getTime();
  const age = data.oldestDueAt ? now - data.oldestDueAt.getTime() : null;
  const due = data.nextDueAt ? data.nextDueAt.getTime() - now : null;
  return (
    <div className={styles.stats}>
      {STATUSES.map((s) => (
        <button
          key={s}
          type="button"
          className={`card ${styles.stat}`}
          aria-pressed={active === s}
          onClick={() => onPick(active === s ? null : s)}
          title={active === s ? 'Show all statuses' : `Show ${s} events`}
        >
          <span className="stat-label">
            <span aria-hidden="true">{STATUS_ICON[s]}</span> {STATUS_LABEL[s]}
          </span>
          <span
            className={`stat-value ${s === 'dead' && data.counts.dead > 0 ? styles.danger : ''}`}
            title={s === 'processed' && data.processedEstimated ? 'Estimated from table statistics (a long history)' : undefined}
          >
            {s === 'processed' && data.processedEstimated ? '≈ ' : ''}
            {data.counts[s].toLocaleString('en-US')}
          </span>
        </button>
      ))}
      <div className={`card ${styles.stat}`}>
        <span className="stat-label" title="How long the longest-waiting due event has waited for a worker">
          Queue age
        </span>
        <span className="stat-value">{age === null ? '—' : formatDuration({ ms: age }, { coarse: true })}</span>
        <span className={`muted ${styles.statNote}`}>
          {due === null
            ? 'Queue empty'
            : due <= 0
              ? `Due now: workers ${formatDuration({ ms: -due }, { coarse: true })} behind`
              : `Next retry in ${formatDuration({ ms: due }, { coarse: true })}`}
        </span>
      </div>
    </div>
  );
}

/**
 * The queue status cards while they load (loading.tsx shows the same): the cards' own markup and
 * labels, with skeleton bars of the values' line heights, so the row is exactly as tall as the
 * counts that replace it. A generic two-bar card was 54 px shorter at 1280 px (the queue-age card
 * has three lines), and the events list under it jumped down when the counts streamed in: a cold
 * load's layout shift of 0.615.
 */
export function StatsSkeleton() {
  const bar = { color: 'transparent', display: 'inline-block', minHeight: 0 } as const;
  return (
    <div className={styles.stats} role="status" aria-live="polite">
      <span className="sr-only">Loading queue status…</span>
      {STATUSES.map((s) => (
        <div key={s} className={`card ${styles.stat}`} aria-hidden="true">
          <span className="stat-label">
            {STATUS_ICON[s]} {STATUS_LABEL[s]}
          </span>
          <span className="stat-value skeleton" style={bar}>
            0,000
          </span>
        </div>
      ))}
      <div className={`card ${styles.stat}`} aria-hidden="true">
        <span className="stat-label">Queue age</span>
        <span className="stat-value skeleton" style={bar}>
          0 min
        </span>
        <span className={`muted ${styles.statNote}`}>
          <span className="skeleton" style={bar}>
            Next retry in 0 min
          </span>
        </span>
      </div>
    </div>
  );
}
