'use client';

import { useSuspenseInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect } from 'react';
import { dateTimeFormat } from '@/app/_components/date-format';
import { EmptyState } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { businessDay, startOfBusinessDay } from '@/lib/business-day';
import { STATUS_LABELS } from '@/lib/contract/appointments';
import type { ScheduleFilters } from '@/lib/contract/schedule';
import { formatDuration } from '@/lib/format-duration';
import { formatMoney, formatTime, STATUS_STYLES } from '../bookings/format';
import { scheduleQueries } from './queries';
import styles from './schedule.module.css';

/** The bookings of the view in time order, grouped by day: a list that reads as well on a phone as on a desk. */
export function Agenda({ input, timeZone, filtered }: { input: ScheduleFilters; timeZone: string; today: string; filtered: boolean }) {
  const trpc = useTRPC();
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(scheduleQueries(trpc, input).list);
  const items = data.pages.flatMap((p) => p.items);
  useEffect(() => {
    performance.mark('data-visible:schedule');
  }, []);

  if (items.length === 0) {
    return (
      <EmptyState title={`No bookings ${input.view === 'day' ? 'this day' : 'this week'}${filtered ? ' with these filters' : ''}`}>
        {filtered ? 'Clear the filters, or try another day.' : 'Try another day with Prev and Next, or pick a date.'}
      </EmptyState>
    );
  }

  const groups: { day: string; items: typeof items }[] = [];
  for (const item of items) {
    const day = businessDay(timeZone, item.date);
    const last = groups[groups.length - 1];
    if (last?.day === day) last.items.push(item);
    else groups.push({ day, items: [item] });
  }

  return (
    <div className="stack">
      {groups.map((g) => (
        <section
          key={g.day}
          className="card"
          aria-label={dateTimeFormat(timeZone, { weekday: 'long', month: 'long', day: 'numeric' }).format(
            startOfBusinessDay(g.day, timeZone),
          )}
        >
          {input.view === 'week' && (
            <h3 className={styles.groupTitle}>
              {dateTimeFormat(timeZone, { weekday: 'long', month: 'long', day: 'numeric' }).format(startOfBusinessDay(g.day, timeZone))}
            </h3>
          )}
          <ol className={styles.agenda}>
            {g.items.map((b) => {
              const st = STATUS_STYLES[b.status];
              return (
                <li
                  key={b.id}
                  className={b.needsAttention ? `${styles.booking} ${styles.attention}` : styles.booking}
                  data-testid="schedule-booking"
                  data-booking-id={b.id}
                  data-technician={b.technician ?? ''}
                  data-status={b.status}
                >
                  <div className={styles.time}>
                    <strong>{formatTime(b.date, timeZone)}</strong>
                    <span className="muted">{formatDuration({ minutes: b.durationMinutes })}</span>
                  </div>
                  <div className={styles.who}>
                    <Link href={`/bookings?customer=${b.customerId}`} className={styles.customer}>
                      {b.customerName}
                    </Link>
                    <span className="muted">
                      {b.serviceType} ·{' '}
                      <Link href={`/conversations?customer=${b.customerId}`} aria-label={`Conversations with ${b.customerName}`}>
                        Conversations
                      </Link>
                    </span>
                  </div>
                  <div className={styles.tech}>{b.technician ?? <span className="muted">Unassigned</span>}</div>
                  <div className={styles.status}>
                    <span className={st.className}>
                      <span aria-hidden="true">{st.icon}</span> {STATUS_LABELS[b.status]}
                    </span>
                    {b.needsAttention && <span className={styles.attentionTag}>Needs attention</span>}
                  </div>
                  <div className={`num ${styles.amount}`}>{formatMoney(b.amountCents)}</div>
                </li>
              );
            })}
          </ol>
        </section>
      ))}
      {hasNextPage && (
        <button type="button" className="btn" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : `Show more (showing ${items.length.toLocaleString('en-US')})`}
        </button>
      )}
    </div>
  );
}
