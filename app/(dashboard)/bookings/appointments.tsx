'use client';

import { useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { Suspense, useDeferredValue, useEffect, useId, useRef } from 'react';
import { EmptyState, QueryBoundary, Skeleton } from '@/app/_components/states';
import styles from './bookings.module.css';
import { formatDuration } from '@/lib/format-duration';
import { formatDate, formatMoney, formatTime, STATUS_LABELS, STATUS_STYLES } from './format';
import type { AppointmentStatus } from '@/db/schema';
import {
  type BookingsParams,
  type BookingTab as Tab,
  BOOKING_TABS as TABS,
  dateRangeOf as dateRange,
  effectiveStatus,
  isFiltered,
  NO_FILTERS,
  STATUS_FILTER_OPTIONS as TAB_STATUS_OPTIONS,
} from '@/lib/contract/bookings';
import { TableScroll } from '@/app/_components/table-scroll';
import type { BookingsQueries } from './queries';

const TAB_LABELS: Record<Tab, string> = { upcoming: 'Upcoming', past: 'Past', cancelled: 'Cancelled' };
const TAB_ORDER_NOTE: Record<Tab, string> = {
  upcoming: 'Soonest first.',
  past: 'Most recent first. Includes jobs whose time has passed, whatever their status.',
  cancelled: 'Most recently scheduled first.',
};

type SetParams = (p: Partial<Omit<BookingsParams, 'customer'>>) => void;

/** A customer's appointments: tabs with counts, status and date filters, paged list. */
export function Appointments({
  view,
  params,
  setParams,
  timeZone,
}: {
  /** This URL's queries (bookings/queries.ts) and the tab they are for; a new object when the URL changes. */
  view: { tab: Tab; queries: BookingsQueries };
  params: BookingsParams;
  setParams: SetParams;
  timeZone: string;
}) {
  const id = useId();
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ upcoming: null, past: null, cancelled: null });
  const { tab, status, technician, from, to } = params;
  const range = dateRange({ from, to });
  const shownStatus = effectiveStatus({ tab, status });

  // Deferred: the current counts and list stay on screen (the list dimmed) while the next tab or
  // filter loads. Suspense (not useQuery) so the server's render and the hydrating client print the
  // same counts.
  const shown = useDeferredValue(view);
  const stale = shown !== view;
  const { data: counts } = useSuspenseQuery(shown.queries.tabCounts);

  function selectTab(next: Tab, focus = false) {
    const keepStatus = status && TAB_STATUS_OPTIONS[next].includes(status) ? status : null;
    setParams({ tab: next, status: keepStatus });
    if (focus) tabRefs.current[next]?.focus();
  }

  const filtered = isFiltered(params);

  // A customer with nothing upcoming opens on a tab that has bookings: once, when their page opens
  // (this component is keyed by customer), never against a tab chosen afterwards.
  const opened = useRef(true);
  useEffect(() => {
    if (!opened.current) return;
    opened.current = false;
    if (tab !== 'upcoming' || counts.upcoming > 0 || filtered) return;
    const next = counts.past > 0 ? 'past' : counts.cancelled > 0 ? 'cancelled' : null;
    if (next) setParams({ tab: next, status: null });
  }, [tab, counts, filtered, setParams]);

  return (
    <section className={`card ${styles.appointments}`} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="sr-only">
        Appointments
      </h2>
      <div className={`tabs ${styles.tablist}`} role="tablist" aria-label="Appointments">
        {TABS.map((t, i) => {
          const n = counts[t];
          return (
            <button
              key={t}
              ref={(el) => {
                tabRefs.current[t] = el;
              }}
              id={`${id}-tab-${t}`}
              type="button"
              role="tab"
              className={styles.tab}
              aria-selected={t === tab}
              aria-controls={`${id}-panel`}
              aria-describedby={`${id}-count-${t}`}
              tabIndex={t === tab ? 0 : -1}
              onClick={() => selectTab(t)}
              onKeyDown={(e) => {
                const last = TABS.length - 1;
                const to =
                  e.key === 'ArrowRight'
                    ? i === last
                      ? 0
                      : i + 1
                    : e.key === 'ArrowLeft'
                      ? i === 0
                        ? last
                        : i - 1
                      : e.key === 'Home'
                        ? 0
                        : e.key === 'End'
                          ? last
                          : -1;
                if (to >= 0) {
                  e.preventDefault();
                  selectTab(TABS[to]!, true);
                }
              }}
            >
              {TAB_LABELS[t]}
              <span className={styles.tabCount} aria-hidden="true">
                {n.toLocaleString('en-US')}
              </span>
              <span id={`${id}-count-${t}`} hidden>
                {`${n} ${n === 1 ? 'appointment' : 'appointments'}${range.from || range.to ? ' in the chosen dates' : ''}`}
              </span>
            </button>
          );
        })}
      </div>

      <div id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-tab-${tab}`} className="stack">
        <div className={styles.filters} role="group" aria-label="Filters">
          {TAB_STATUS_OPTIONS[tab].length > 0 && (
            <label className={styles.filter}>
              <span>Status</span>
              <select
                className="input"
                value={shownStatus ?? ''}
                onChange={(e) => setParams({ status: (e.target.value || null) as AppointmentStatus | null })}
              >
                <option value="">All statuses</option>
                {TAB_STATUS_OPTIONS[tab].map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className={styles.filter}>
            <span>Technician</span>
            {/* Applied on Enter or when leaving the field: each keystroke would be a query. key: a cleared filter empties the field. */}
            <input
              key={technician ?? ''}
              className="input"
              type="search"
              defaultValue={technician ?? ''}
              placeholder="Any technician"
              maxLength={100}
              onBlur={(e) => setParams({ technician: e.target.value.trim() || null })}
              onKeyDown={(e) => {
                if (e.key === 'Enter') setParams({ technician: e.currentTarget.value.trim() || null });
              }}
            />
          </label>
          <label className={styles.filter}>
            <span>From</span>
            <input
              className="input"
              type="date"
              value={range.from ?? ''}
              max={range.to ?? undefined}
              onChange={(e) => setParams({ from: e.target.value || null })}
            />
          </label>
          <label className={styles.filter}>
            <span>To</span>
            <input
              className="input"
              type="date"
              value={range.to ?? ''}
              min={range.from ?? undefined}
              onChange={(e) => setParams({ to: e.target.value || null })}
            />
          </label>
          {filtered && (
            <button type="button" className="btn" onClick={() => setParams(NO_FILTERS)}>
              Clear filters
            </button>
          )}
          <span className={`muted ${styles.orderNote}`}>{TAB_ORDER_NOTE[tab]}</span>
        </div>

        <QueryBoundary>
          <Suspense fallback={<Skeleton rows={6} height={40} label="Loading appointments" />}>
            <AppointmentList
              query={shown.queries.appointments}
              tab={shown.tab}
              timeZone={timeZone}
              stale={stale}
              total={shownStatus || stale ? undefined : counts[shown.tab]}
              filtered={filtered}
              onClear={() => setParams(NO_FILTERS)}
            />
          </Suspense>
        </QueryBoundary>
      </div>
    </section>
  );
}

const EMPTY: Record<Tab, { title: string; hint: string }> = {
  upcoming: { title: 'No upcoming appointments', hint: 'Jobs booked in HousecallPro for this customer appear here.' },
  past: { title: 'No past appointments', hint: 'Completed and missed jobs will be listed here.' },
  cancelled: { title: 'Nothing cancelled', hint: 'Cancelled jobs for this customer would be listed here.' },
};

function AppointmentList({
  query,
  tab,
  timeZone,
  stale,
  total,
  filtered,
  onClear,
}: {
  query: BookingsQueries['appointments'];
  tab: Tab;
  timeZone: string;
  stale: boolean;
  total: number | undefined;
  filtered: boolean;
  onClear: () => void;
}) {
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(query);
  const rows = data.pages.flatMap((p) => p.items);

  // For the render-budget e2e test: the customer's appointments are on screen.
  useEffect(() => {
    performance.mark('data-visible:bookings');
  }, []);

  if (rows.length === 0) {
    const e = EMPTY[tab];
    return (
      <div aria-busy={stale} style={{ opacity: stale ? 0.6 : 1 }}>
        <EmptyState title={filtered ? `${e.title} match these filters` : e.title}>
          {filtered ? (
            <>
              Widen the dates or choose another status, or{' '}
              <button type="button" className="btn" onClick={onClear}>
                clear the filters
              </button>
            </>
          ) : (
            e.hint
          )}
        </EmptyState>
      </div>
    );
  }

  return (
    <div aria-busy={stale} style={{ opacity: stale ? 0.6 : 1, transition: 'opacity 120ms' }}>
      <TableScroll label="Appointments">
        <table className={`table ${styles.apptTable}`}>
          <caption className="sr-only">
            {tab} appointments, {tab === 'upcoming' ? 'soonest' : 'most recent'} first
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Service</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => {
              const s = STATUS_STYLES[a.status];
              return (
                <tr key={a.id} data-testid="appointment-row" data-status={a.status} data-appointment-id={a.id}>
                  <td data-label="When">
                    <time dateTime={a.date.toISOString()} className={styles.when}>
                      <strong>{formatDate(a.date, timeZone)}</strong>
                      <span className="muted">{formatTime(a.date, timeZone)}</span>
                    </time>
                  </td>
                  <td data-label="Service">
                    <div>{a.serviceType}</div>
                    {a.technician && <div className="muted">with {a.technician}</div>}
                    {a.notes && (
                      <div className={`muted ${styles.notes}`} title={a.notes}>
                        {a.notes}
                      </div>
                    )}
                    {a.housecallproJobId && (
                      <div className={`muted mono ${styles.jobId}`} title="HousecallPro job">
                        HCP {a.housecallproJobId}
                      </div>
                    )}
                  </td>
                  <td data-label="Status">
                    <span className={s.className}>
                      <span aria-hidden="true">{s.icon}</span>
                      {STATUS_LABELS[a.status]}
                    </span>
                  </td>
                  <td data-label="Duration" className="num">
                    {formatDuration({ minutes: a.durationMinutes })}
                  </td>
                  <td data-label="Amount" className="num">
                    {formatMoney(a.amountCents)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <div className={styles.listFooter}>
        <span className="muted" role="status" aria-live="polite">
          Showing {rows.length.toLocaleString('en-US')}
          {total !== undefined && total >= rows.length ? ` of ${total.toLocaleString('en-US')}` : ''}
        </span>
        {hasNextPage && (
          <button type="button" className="btn" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </div>
  );
}
