'use client';

import { useSuspenseInfiniteQuery } from '@tanstack/react-query';
import type { MouseEvent } from 'react';
import { EmptyState } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { listInput, PAGE_SIZE, type WebhookStatus } from '@/lib/contract/webhooks';
import { formatDateTime, STATUS_BADGE, STATUS_ICON } from './format';
import styles from './webhooks.module.css';
import { TableScroll } from '@/app/_components/table-scroll';

export interface ListFilter {
  status: WebhookStatus | null;
  type: string | null;
  q: string | null;
  from: Date | null;
  to: Date | null;
}

/** A plain left click opens the event beside the list; any other (new tab, new window) is the browser's. */
function plainClick(e: MouseEvent): boolean {
  return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
}

export function EventTable(props: {
  filter: ListFilter;
  stale: boolean;
  selected: number | null;
  onSelect: (id: number) => void;
  hrefFor: (id: number) => string;
  timeZone: string;
}) {
  const trpc = useTRPC();
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(
    trpc.webhooks.list.infiniteQueryOptions(listInput(props.filter), {
      getNextPageParam: (page) => page.nextCursor,
    }),
  );
  const events = data.pages.flatMap((p) => p.events);
  if (events.length === 0) {
    const filtered = Object.values(props.filter).some((v) => v !== null);
    return <EmptyState title="No events">{filtered ? 'Nothing matches these filters.' : 'No webhook has been received yet.'}</EmptyState>;
  }
  return (
    <div className={props.stale ? styles.stale : undefined} aria-busy={props.stale}>
      <TableScroll label="Webhook events">
        <table className={`table ${styles.table}`}>
          <EventTableHead />
          <tbody>
            {events.map((e) => (
              <tr
                key={e.id}
                className={styles.row}
                data-selected={props.selected === e.id ? '' : undefined}
                onClick={() => props.onSelect(e.id)}
              >
                <td>
                  <a
                    href={props.hrefFor(e.id)}
                    className={styles.link}
                    aria-current={props.selected === e.id ? 'true' : undefined}
                    aria-label={`Open event ${e.id}`}
                    onClick={(ev) => {
                      ev.stopPropagation();
                      if (!plainClick(ev)) return;
                      ev.preventDefault();
                      props.onSelect(e.id);
                    }}
                  >
                    #{e.id}
                  </a>
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

/**
 * A first page of the list while it loads: the table's own markup and classes, PAGE_SIZE rows of
 * transparent sample text on skeleton bars, and the "load older" line under them. It is as tall as
 * the full page of rows that replaces it, at every width (the phone's two-line rows included), so
 * the cards below the list do not jump when the rows stream in (a cold load's layout shift).
 */
export function EventTableSkeleton() {
  const bar = { color: 'transparent', display: 'inline-block', minHeight: 0 } as const;
  return (
    <div role="status" aria-live="polite">
      <span className="sr-only">Loading events…</span>
      <div aria-hidden="true">
        <div className="table-wrap">
          <table className={`table ${styles.table}`}>
            <EventTableHead />
            <tbody>
              {Array.from({ length: PAGE_SIZE }, (_, i) => (
                <tr key={i}>
                  <td>
                    <span className="skeleton" style={bar}>
                      #000000
                    </span>
                  </td>
                  <td>
                    <span className="mono skeleton" style={bar}>
                      job.completed
                    </span>
                    <span className={styles.subline}>
                      <span className="skeleton" style={bar}>
                        Dec 31, 23:59:59
                      </span>
                    </span>
                  </td>
                  <td>
                    <span className={`${STATUS_BADGE.processed} skeleton`} style={bar}>
                      {STATUS_ICON.processed} processed
                    </span>
                  </td>
                  <td className={`num ${styles.optional}`}>
                    <span className="skeleton" style={bar}>
                      0
                    </span>
                  </td>
                  <td className={styles.wide} style={{ whiteSpace: 'nowrap' }}>
                    <span className="skeleton" style={bar}>
                      Dec 31, 23:59:59
                    </span>
                  </td>
                  <td className={`${styles.optional} ${styles.error}`}>
                    <span className="muted">—</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="row" style={{ justifyContent: 'center', marginTop: '0.75rem' }}>
          <button className="btn" type="button" disabled tabIndex={-1} style={{ visibility: 'hidden' }}>
            Load older events
          </button>
        </div>
      </div>
    </div>
  );
}

/** The events table's header row, shared by the table and its skeleton so both are the same height. */
function EventTableHead() {
  return (
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
  );
}
