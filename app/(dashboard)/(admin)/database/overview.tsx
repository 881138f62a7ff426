'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { CHECK_STATUS, type OverviewCheck } from './format';
import { Problems } from './problems';
import { SqlBlock } from './sql-block';

/** The verdict first, then what needs attention (with the SQL to run), then the checks that passed, folded. */
export function Overview() {
  const trpc = useTRPC();
  const { data, refetch, isFetching } = useSuspenseQuery(trpc.database.overview.queryOptions());
  // The overview is on screen: the render-budget e2e test measures navigation to this mark.
  useEffect(() => {
    performance.mark('data-visible:database');
  }, []);
  if (!data.ok) {
    return (
      <section className={`card ${styles.section}`} aria-labelledby="overview-h">
        <h2 id="overview-h">Overview</h2>
        <Problems problems={data.problems} title="Could not read the overview" />
        <button type="button" className="btn" onClick={() => refetch()} disabled={isFetching}>
          Try again
        </button>
      </section>
    );
  }
  const { verdict, attention, checks } = data.data;
  const open = checks.filter((c) => c.status === 'critical' || c.status === 'warning');
  const rest = checks.filter((c) => !open.includes(c));
  return (
    <section className={`card ${styles.section}`} aria-labelledby="overview-h">
      <div className={styles.sectionHead}>
        <h2 id="overview-h" className={styles.verdict} data-healthy={attention === 0}>
          <span aria-hidden="true">{attention === 0 ? '✓' : '⚠'}</span> {verdict}
        </h2>
        <button type="button" className="btn" onClick={() => refetch()} disabled={isFetching}>
          {isFetching ? 'Checking…' : 'Check again'}
        </button>
      </div>
      <Problems problems={data.problems} />
      {open.length > 0 && (
        <ul className={styles.findings}>
          {open.map((c) => (
            <CheckItem key={c.id} check={c} />
          ))}
        </ul>
      )}
      <details className={styles.details} open={open.length === 0}>
        <summary>
          {rest.filter((c) => c.status === 'ok').length} checks passed
          {rest.some((c) => c.status !== 'ok') ? `, ${rest.filter((c) => c.status !== 'ok').length} informational or skipped` : ''}
        </summary>
        <ul className={styles.checkList}>
          {rest.map((c) => (
            <li key={c.id}>
              <span className={`badge ${CHECK_STATUS[c.status].badge}`}>
                <span aria-hidden="true">{CHECK_STATUS[c.status].icon}</span> {CHECK_STATUS[c.status].label}
              </span>{' '}
              <strong>{c.title}</strong> <span className="muted">{c.evidence}</span>
              {c.status !== 'ok' && c.sql && <SqlBlock sql={c.sql} label="SQL" />}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}

function CheckItem({ check: c }: { check: OverviewCheck }) {
  const s = CHECK_STATUS[c.status];
  return (
    <li className={styles.finding} data-severity={c.status}>
      <div className={styles.findingHead}>
        <span className={`badge ${s.badge}`}>
          <span aria-hidden="true">{s.icon}</span> {s.label}
        </span>
        <strong>{c.title}</strong>
      </div>
      <div className={styles.evidence}>{c.evidence}</div>
      {c.action && <div>{c.action}</div>}
      {c.sql && <SqlBlock sql={c.sql} label="Run" />}
      {c.note && <div className={`muted ${styles.note}`}>{c.note}</div>}
    </li>
  );
}
