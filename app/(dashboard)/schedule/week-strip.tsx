'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { dateTimeFormat } from '@/app/_components/date-format';
import { useTRPC } from '@/app/_trpc/client';
import { startOfBusinessDay } from '@/lib/business-day';
import type { ScheduleFilters } from '@/lib/contract/schedule';
import { scheduleQueries } from './queries';
import styles from './schedule.module.css';

/** Bookings per day of the view: seven buttons in the week view (each opens its day), one line in the day view. */
export function WeekStrip({
  input,
  today,
  timeZone,
  onPickDay,
}: {
  input: ScheduleFilters;
  today: string;
  timeZone: string;
  onPickDay(day: string): void;
}) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(scheduleQueries(trpc, input).summary);
  const label = (day: string, opts: Intl.DateTimeFormatOptions) => dateTimeFormat(timeZone, opts).format(startOfBusinessDay(day, timeZone));
  const total = data.days.reduce((a, d) => a + d.total, 0);
  const attention = data.days.reduce((a, d) => a + d.needsAttention, 0);
  const summary = `${total.toLocaleString('en-US')} ${total === 1 ? 'booking' : 'bookings'}${attention ? `, ${attention.toLocaleString('en-US')} need${attention === 1 ? 's' : ''} attention` : ''}`;

  if (input.view === 'day') {
    const day = data.days[0]!.day;
    return (
      <h2 className={styles.dayTitle}>
        {label(day, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' })}
        {day === today && <span className="badge">Today</span>}
        <span className={styles.dayTitleCount}>{summary}</span>
      </h2>
    );
  }
  return (
    <section aria-label="Bookings per day">
      <h2 className={styles.dayTitle}>
        Week of {label(data.days[0]!.day, { month: 'long', day: 'numeric' })} –{' '}
        {label(data.days[6]!.day, { month: 'long', day: 'numeric', year: 'numeric' })}
        <span className={styles.dayTitleCount}>{summary}</span>
      </h2>
      <ol className={styles.strip}>
        {data.days.map((d) => (
          <li key={d.day}>
            <button
              type="button"
              className={styles.stripDay}
              aria-current={d.day === today ? 'date' : undefined}
              aria-label={`${label(d.day, { weekday: 'long', month: 'long', day: 'numeric' })}: ${d.total} bookings${d.needsAttention ? `, ${d.needsAttention} need attention` : ''}. Open this day.`}
              onClick={() => onPickDay(d.day)}
            >
              <span className={styles.stripName}>
                {label(d.day, { weekday: 'short' })} {label(d.day, { day: 'numeric' })}
              </span>
              <span className={styles.stripCount}>{d.total.toLocaleString('en-US')}</span>
              {d.needsAttention > 0 && <span className={styles.stripAttention}>⚠ {d.needsAttention.toLocaleString('en-US')}</span>}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
