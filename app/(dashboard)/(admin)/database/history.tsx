'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { formatUtc } from './format';
import { Problems } from './problems';
import { SqlBlock } from './sql-block';

const COLORS = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)', 'var(--c5)', 'var(--c6)', 'var(--c7)', 'var(--c8)'];

/** Pivots per-item daily points into one row per day, one key per item (what recharts draws). */
function pivot<T extends { day: string }>(items: Array<{ key: string; days: T[] }>, value: (p: T) => number) {
  const rows = new Map<string, Record<string, number | string>>();
  for (const it of items) for (const p of it.days ?? []) rows.set(p.day, { ...(rows.get(p.day) ?? { day: p.day }), [it.key]: value(p) });
  return [...rows.values()].sort((a, b) => String(a.day).localeCompare(String(b.day)));
}

// recharts loads after the figures, into a box of the chart's own height (nothing moves).
const HistoryLines = dynamic(() => import('./history-chart').then((m) => m.HistoryLines), {
  ssr: false,
  loading: () => <div style={{ width: '100%', height: 220 }} aria-hidden="true" />,
});

const NO_HISTORY = 'npm run db:snapshot   # one capture now; npm run worker captures every 5 minutes';

/** What got slower since yesterday, and the top statements' mean time over days (Queries tab). */
export function QueryHistory() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.database.history.queryOptions());
  if (!data.ok) return <Problems problems={data.problems} title="Could not read the history" />;
  const { slower, series, capturedAt } = data.data;
  const chart = pivot(
    series.map((s, i) => ({ key: `q${i}`, days: s.days })),
    (p) => Math.round(p.meanMs * 100) / 100,
  );
  return (
    <section className={`card ${styles.section}`} aria-labelledby="history-h">
      <div className={styles.sectionHead}>
        <h2 id="history-h">Slower since yesterday</h2>
        <span className="muted" style={{ fontSize: '0.85rem' }}>
          Last capture: {formatUtc(capturedAt)}
        </span>
      </div>
      {!capturedAt && <SqlBlock sql={NO_HISTORY} label="No history yet: start the capture" />}
      {capturedAt && slower.length === 0 && (
        <p className="muted" style={{ margin: 0 }}>
          ✓ No statement&apos;s mean time rose by 20% or more over the last 24 hours.
        </p>
      )}
      {slower.length > 0 && (
        <ul className={styles.checkList}>
          {slower.map((s) => (
            <li key={s.queryId}>
              <span className="badge badge-warn">
                {s.previousMeanMs.toFixed(1)} → {s.recentMeanMs.toFixed(1)} ms
              </span>{' '}
              <span className={styles.sessionQuery}>{s.query}</span>
            </li>
          ))}
        </ul>
      )}
      {chart.length > 1 && (
        <>
          <h3 style={{ margin: 0, fontSize: '0.95rem' }}>Mean time per day, the 5 statements that took the most time (ms)</h3>
          <HistoryLines
            data={chart}
            lines={series.map((q, i) => ({ key: `q${i}`, name: q.query.slice(0, 60), color: COLORS[i] }))}
            yWidth={48}
          />
        </>
      )}
    </section>
  );
}

/** Each big table's size (with its indexes) per day (Tables tab). */
export function TableGrowth() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.database.history.queryOptions());
  if (!data.ok) return <Problems problems={data.problems} title="Could not read the history" />;
  const { growth } = data.data;
  const chart = pivot(
    growth.map((g) => ({ key: g.table, days: g.days })),
    (p) => p.bytes,
  );
  return (
    <section className={`card ${styles.section}`} aria-labelledby="growth-h">
      <h2 id="growth-h">Growth</h2>
      {chart.length < 2 ? (
        <p className="muted" style={{ margin: 0 }}>
          Sizes are captured once a day ({growth.length ? `${chart.length} day so far` : 'none yet'}); the chart appears from the second
          day.
        </p>
      ) : (
        <HistoryLines data={chart} lines={growth.map((g, i) => ({ key: g.table, name: g.table, color: COLORS[i] }))} yWidth={64} bytes />
      )}
    </section>
  );
}
