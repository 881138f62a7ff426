'use client';

import { usePrefetchInfiniteQuery, usePrefetchQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useQueryStates } from 'nuqs';
import { useDeferredValue, useId, useMemo } from 'react';
import { QueryBoundary } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { addDays } from '@/lib/business-day';
import { APPOINTMENT_STATUSES, STATUS_LABELS } from '@/lib/contract/appointments';
import { SCHEDULE_FILTER_KEYS, scheduleInput, scheduleSearchParams, VIEW_DAYS } from '@/lib/contract/schedule';
import { Agenda } from './agenda';
import { CsvButton } from './csv-button';
import { scheduleQueries } from './queries';
import styles from './schedule.module.css';
import { WeekStrip } from './week-strip';
import { PageHeader } from '@/app/_components/page-header';

export function ScheduleView({ today, timeZone, timeZoneLabel }: { today: string; timeZone: string; timeZoneLabel: string }) {
  const trpc = useTRPC();
  const id = useId();
  const [url, setUrl] = useQueryStates(scheduleSearchParams);
  const input = useMemo(() => scheduleInput(url, today), [url, today]);
  // The current schedule stays on screen (dimmed) while the next day or filter loads.
  const shown = useDeferredValue(input);
  const q = useMemo(() => scheduleQueries(trpc, input), [trpc, input]);
  // Both requests start together (one batched call) before anything suspends.
  usePrefetchQuery(q.summary);
  usePrefetchInfiniteQuery(q.list);

  const step = VIEW_DAYS[input.view];
  const go = (date: string | null) => void setUrl({ date }, { history: 'push' });
  const filtered = SCHEDULE_FILTER_KEYS.some((k) => url[k] !== null);

  return (
    <div className="stack">
      <PageHeader title="Schedule" description={<>Every booking by day or week. Times in {timeZoneLabel}.</>} />

      <div className={`card ${styles.toolbar}`} role="group" aria-label="Which days">
        <div className="segmented" role="group" aria-label="View">
          {(['day', 'week'] as const).map((v) => (
            <button key={v} type="button" aria-pressed={input.view === v} onClick={() => void setUrl({ view: v === 'day' ? null : v })}>
              {v === 'day' ? 'Day' : 'Week'}
            </button>
          ))}
        </div>
        <div className={styles.nav}>
          <button type="button" className="btn" onClick={() => go(addDays(input.date, -step))} aria-label={`Previous ${input.view}`}>
            ‹ Prev
          </button>
          <button type="button" className="btn" onClick={() => go(null)} disabled={input.date === today && !url.date}>
            Today
          </button>
          <button type="button" className="btn" onClick={() => go(addDays(input.date, step))} aria-label={`Next ${input.view}`}>
            Next ›
          </button>
        </div>
        <label className={styles.field}>
          <span>Date</span>
          <input
            className="input"
            type="date"
            value={input.date}
            min="2000-01-01"
            max="2100-12-31"
            onChange={(e) => {
              if (e.target.value) go(e.target.value === today ? null : e.target.value);
            }}
          />
        </label>
      </div>

      <QueryBoundary>
        {/* Prefetched on the server: no Suspense boundary (see QueryBoundary). */}
        <Filters
          id={id}
          input={shown}
          filtered={filtered}
          setUrl={(p) => void setUrl(p)}
          clear={() => void setUrl(Object.fromEntries(SCHEDULE_FILTER_KEYS.map((k) => [k, null])))}
        />
        <WeekStrip
          input={shown}
          today={today}
          timeZone={timeZone}
          onPickDay={(day) => void setUrl({ view: null, date: day === today ? null : day }, { history: 'push' })}
        />
        <div className={shown !== input ? styles.stale : undefined} aria-busy={shown !== input}>
          <Agenda input={shown} timeZone={timeZone} today={today} filtered={filtered} />
        </div>
        <div className={styles.footer}>
          <CsvButton input={shown} timeZone={timeZone} />
        </div>
      </QueryBoundary>
    </div>
  );
}

function Filters({
  id,
  input,
  filtered,
  setUrl,
  clear,
}: {
  id: string;
  input: ReturnType<typeof scheduleInput>;
  filtered: boolean;
  setUrl: (p: { technician?: string | null; status?: (typeof APPOINTMENT_STATUSES)[number] | null; service?: string | null }) => void;
  clear: () => void;
}) {
  const trpc = useTRPC();
  // The choices are what the window holds (with counts); a chosen value the window lacks is still
  // offered, so it can be seen and cleared.
  const { data } = useSuspenseQuery(scheduleQueries(trpc, input).summary);
  const technicians = withCurrent(
    data.technicians.map((t) => ({ value: t.name, label: `${t.name} (${t.count})` })),
    input.technician,
  );
  const services = withCurrent(
    data.serviceTypes.map((t) => ({ value: t.name, label: `${t.name} (${t.count})` })),
    input.serviceType,
  );
  return (
    <div className={`card ${styles.filters}`} role="group" aria-label="Filters">
      <label className={styles.field}>
        <span>Technician</span>
        <select
          id={`${id}-tech`}
          className="input"
          value={input.technician ?? ''}
          onChange={(e) => setUrl({ technician: e.target.value || null })}
        >
          <option value="">All technicians</option>
          {technicians.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label className={styles.field}>
        <span>Status</span>
        <select className="input" value={input.status ?? ''} onChange={(e) => setUrl({ status: (e.target.value || null) as never })}>
          <option value="">All statuses</option>
          {APPOINTMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label className={styles.field}>
        <span>Service</span>
        <select className="input" value={input.serviceType ?? ''} onChange={(e) => setUrl({ service: e.target.value || null })}>
          <option value="">All services</option>
          {services.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      {filtered && (
        <button type="button" className="btn" onClick={clear}>
          Clear filters
        </button>
      )}
    </div>
  );
}

function withCurrent(options: { value: string; label: string }[], current: string | null | undefined) {
  return current && !options.some((o) => o.value === current) ? [{ value: current, label: `${current} (0)` }, ...options] : options;
}
