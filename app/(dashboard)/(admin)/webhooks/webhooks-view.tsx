'use client';

import { useQueryClient, useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useQueryStates } from 'nuqs';
import { Suspense, useDeferredValue } from 'react';
import { EmptyState, QueryBoundary, Skeleton } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { EventDetail } from './event-detail';
import { formatDateTime, formatDuration, STATUS_BADGE, STATUS_ICON } from './format';
import { listInput, type Status, STATUSES, webhooksSearchParams } from './search-params';
import styles from './webhooks.module.css';
import { TableScroll } from '@/app/_components/table-scroll';

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
  // Keep showing the previous filter's rows (dimmed) while the new ones load, instead of a skeleton.
  const key = `${params.status ?? ''}|${params.type ?? ''}`;
  const deferredKey = useDeferredValue(key);
  const [dStatus, dType] = deferredKey.split('|') as [string, string];
  const stale = deferredKey !== key;

  const setStatus = (status: Status | null) => void setParams({ status, event: null }, { history: 'push' });

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Webhooks</h1>
          <p className="muted" style={{ margin: 0 }}>
            HousecallPro deliveries and the queue that applies them to customers and bookings. Times in {timeZone}.
          </p>
        </div>
        <button className="btn" type="button" onClick={() => void queryClient.invalidateQueries(trpc.webhooks.pathFilter())}>
          ↻ Refresh
        </button>
      </div>

      <QueryBoundary>
        <Suspense fallback={<StatsSkeleton />}>
          <QueueStats active={params.status} onPick={setStatus} />
        </Suspense>
      </QueryBoundary>

      <div className={styles.layout} data-detail={params.event ? 'open' : undefined}>
        <section className={`card ${styles.listCard}`} aria-labelledby="events-heading">
          <div className={styles.listHead}>
            <h2 id="events-heading" style={{ margin: 0 }}>
              Events
            </h2>
            <form className={styles.filters} aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
              <label className={styles.field}>
                Status
                <select
                  className="input"
                  value={params.status ?? ''}
                  onChange={(e) => setStatus((e.target.value || null) as Status | null)}
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
                <Suspense fallback={<TypeSelect value={params.type} types={[]} disabled onChange={() => {}} />}>
                  <TypeFilter value={params.type} onChange={(type) => void setParams({ type, event: null }, { history: 'push' })} />
                </Suspense>
              </QueryBoundary>
              {(params.status || params.type) && (
                <button className="btn" type="button" onClick={() => void setParams({ status: null, type: null, event: null })}>
                  Clear
                </button>
              )}
            </form>
          </div>
          <QueryBoundary>
            <Suspense fallback={<Skeleton rows={8} height={30} label="Loading events" />}>
              <EventTable
                status={(dStatus || null) as Status | null}
                type={dType || null}
                stale={stale}
                selected={params.event}
                onSelect={(event) => void setParams({ event })}
                timeZone={timeZone}
              />
            </Suspense>
          </QueryBoundary>
        </section>

        {params.event && (
          <section className={`card ${styles.detailCard}`} aria-label={`Event ${params.event}`}>
            <QueryBoundary key={params.event}>
              <Suspense fallback={<Skeleton rows={10} height={20} label="Loading the event" />}>
                <EventDetail id={params.event} timeZone={timeZone} onClose={() => void setParams({ event: null })} />
              </Suspense>
            </QueryBoundary>
          </section>
        )}
      </div>
    </div>
  );
}

function QueueStats({ active, onPick }: { active: Status | null; onPick: (s: Status | null) => void }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery({ ...trpc.webhooks.stats.queryOptions(), refetchInterval: 15_000 });
  const now = data.now.getTime();
  const age = data.oldestWaitingAt ? now - data.oldestWaitingAt.getTime() : null;
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
        <span className="stat-label" title="Age of the oldest pending or failed event">
          Queue age
        </span>
        <span className="stat-value">{age === null ? '—' : formatDuration(age)}</span>
        <span className="muted" style={{ fontSize: '0.8rem' }}>
          {due === null ? 'Queue empty' : due <= 0 ? `Due now: workers ${formatDuration(-due)} behind` : `Next retry in ${formatDuration(due)}`}
        </span>
      </div>
    </div>
  );
}

function TypeFilter({ value, onChange }: { value: string | null; onChange: (type: string | null) => void }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.webhooks.eventTypes.queryOptions());
  return <TypeSelect value={value} types={data} onChange={onChange} />;
}

function TypeSelect(props: { value: string | null; types: string[]; disabled?: boolean; onChange: (type: string | null) => void }) {
  // A type from the URL that is not in the list still shows (and filters) rather than vanishing.
  const types = props.value && !props.types.includes(props.value) ? [props.value, ...props.types] : props.types;
  return (
    <label className={styles.field}>
      Event type
      <select
        className="input"
        value={props.value ?? ''}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value || null)}
      >
        <option value="">All types</option>
        {types.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}

function EventTable(props: {
  status: Status | null;
  type: string | null;
  stale: boolean;
  selected: number | null;
  onSelect: (id: number) => void;
  timeZone: string;
}) {
  const trpc = useTRPC();
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(
    trpc.webhooks.list.infiniteQueryOptions(listInput({ status: props.status, type: props.type }), {
      getNextPageParam: (page) => page.nextCursor,
    }),
  );
  const events = data.pages.flatMap((p) => p.events);
  if (events.length === 0) {
    return (
      <EmptyState title="No events">
        {props.status || props.type ? 'Nothing matches these filters.' : 'No webhook has been received yet.'}
      </EmptyState>
    );
  }
  return (
    <div className={props.stale ? styles.stale : undefined} aria-busy={props.stale}>
      <TableScroll label="Webhook events">
        <table className={`table ${styles.table}`}>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col" className={`num ${styles.optional}`}>
                Attempts
              </th>
              <th scope="col" className={styles.wide}>
                Received
              </th>
              <th scope="col" className={styles.optional}>
                Last error
              </th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr
                key={e.id}
                className={styles.row}
                data-selected={props.selected === e.id ? '' : undefined}
                onClick={() => props.onSelect(e.id)}
              >
                <td>
                  <button
                    type="button"
                    className={styles.linkButton}
                    aria-current={props.selected === e.id ? 'true' : undefined}
                    aria-label={`Open event ${e.id}`}
                    onClick={(ev) => {
                      ev.stopPropagation();
                      props.onSelect(e.id);
                    }}
                  >
                    #{e.id}
                  </button>
                </td>
                <td>
                  <span className="mono">{e.eventType}</span>
                  {/* On a phone the received time rides under the type instead of in its own column. */}
                  <span className={styles.subline}>{formatDateTime(e.receivedAt, props.timeZone)}</span>
                </td>
                <td>
                  <span className={STATUS_BADGE[e.status]}>
                    <span aria-hidden="true">{STATUS_ICON[e.status]}</span> {e.status}
                  </span>
                </td>
                <td className={`num ${styles.optional}`}>{e.attempts}</td>
                <td className={styles.wide} style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(e.receivedAt, props.timeZone)}
                </td>
                <td className={`${styles.optional} ${styles.error}`} title={e.lastError ?? undefined}>
                  {e.lastError ?? <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <div className="row" style={{ justifyContent: 'center', marginTop: '0.75rem' }}>
        {hasNextPage ? (
          <button className="btn" type="button" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
            {isFetchingNextPage ? 'Loading…' : 'Load older events'}
          </button>
        ) : (
          <span className="muted">
            {events.length} event{events.length === 1 ? '' : 's'}, all shown
          </span>
        )}
      </div>
    </div>
  );
}

function StatsSkeleton() {
  return (
    <div className={styles.stats}>
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className={`card ${styles.stat}`}>
          <Skeleton rows={2} height={18} label={i === 0 ? 'Loading queue status' : 'Loading'} />
        </div>
      ))}
    </div>
  );
}
