'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { formatBytes, formatCount, formatUtc, type SuggestionRow } from './format';
import { Problems } from './problems';
import { SqlBlock } from './sql-block';

const STATUS: Record<SuggestionRow['status'], { text: string; badge: string }> = {
  suggested: { text: '⚠ Index suggested', badge: 'badge-warn' },
  indexed: { text: '✓ Uses its indexes', badge: 'badge-ok' },
  'no-gain': { text: '✓ No index would help', badge: 'badge-ok' },
  skipped: { text: '⚠ Not tried', badge: 'badge-warn' },
  error: { text: '✖ Could not plan', badge: 'badge-danger' },
};

const SOURCE: Record<SuggestionRow['source'], string> = { app: "Dashboard's query", statements: 'pg_stat_statements' };

export function IndexSuggestions() {
  const trpc = useTRPC();
  const { data, refetch, isFetching } = useSuspenseQuery(trpc.database.indexSuggestions.queryOptions());
  const section = data.ok ? data.data : null;
  const reports = section?.available ? section.reports : [];
  const suggested = reports.filter((r) => r.status === 'suggested');
  const rest = reports.filter((r) => r.status !== 'suggested');
  return (
    <section className={`card ${styles.section}`} aria-labelledby="suggest-h">
      <div className={styles.sectionHead}>
        <h2 id="suggest-h">Index suggestions</h2>
        {section?.available && (
          <span className="row">
            <span className={`muted ${styles.meta}`}>
              {suggested.length ? `${suggested.length} suggested` : 'none suggested'} · {reports.length} queries tried
            </span>
            <button type="button" className="btn" onClick={() => refetch()} disabled={isFetching}>
              {isFetching ? 'Trying…' : 'Try again'}
            </button>
          </span>
        )}
      </div>
      <Problems problems={data.problems} title={data.ok ? 'Partly read' : 'Could not try index suggestions'} />
      {section && !section.available && (
        <>
          <p style={{ margin: 0 }}>
            <span className="badge badge-warn">Not available</span> {section.reason}
          </p>
          {section.enable && <SqlBlock label="How to enable it" sql={section.enable} />}
        </>
      )}
      {section?.available && (
        <>
          <p className={`muted ${styles.meta}`} style={{ margin: 0 }}>
            For the dashboard&apos;s queries and the top statements of pg_stat_statements, indexes on the columns a plan filters or sorts a
            whole table by are tried as <em>hypothetical</em> indexes (HypoPG: in memory, never built) and the query is planned again. An
            index is suggested only when the planner uses it and its cost drops by {section.minSavings * 100}% or more.{' '}
            <strong>Nothing is created for you.</strong>
          </p>
          {suggested.length === 0 && <p style={{ margin: 0 }}>✓ No query would get much cheaper with a new index.</p>}
          <ul className={styles.plans}>
            {suggested.map((r) => (
              <SuggestionItem key={r.key} report={r} />
            ))}
          </ul>
          {rest.length > 0 && (
            <details className={styles.details}>
              <summary>
                {rest.length} {rest.length === 1 ? 'query' : 'queries'} without a suggestion
              </summary>
              <ul className={styles.plans}>
                {rest.map((r) => (
                  <SuggestionItem key={r.key} report={r} />
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </section>
  );
}

function SuggestionItem({ report: r }: { report: SuggestionRow }) {
  const status = STATUS[r.status];
  const headingId = `suggest-${r.key.replace(/\W/g, '-')}`;
  const saved = r.costBefore && r.costAfter !== null ? Math.round((1 - r.costAfter / r.costBefore) * 100) : null;
  return (
    <li
      className={styles.plan}
      data-status={r.status === 'suggested' || r.status === 'skipped' ? 'warn' : r.status}
      aria-labelledby={headingId}
    >
      <div className={styles.planHead}>
        <div style={{ minWidth: 0 }}>
          <strong id={headingId}>{r.source === 'app' ? r.label : `${SOURCE.statements}: ${r.label}`}</strong>
          <div className={`muted ${styles.meta} mono ${styles.clamp}`}>{r.query}</div>
        </div>
        <span className={`badge ${status.badge}`}>{status.text}</span>
      </div>
      <div className={styles.note}>{r.detail}</div>
      {r.status === 'suggested' && (
        <dl className={styles.planFacts}>
          <div>
            <dt>Plan cost</dt>
            <dd>
              {formatCount(r.costBefore)} → {formatCount(r.costAfter)} ({saved !== null ? `−${saved}%` : '—'})
            </dd>
          </div>
        </dl>
      )}
      {r.indexes.map((ix) => (
        <div key={ix.definition} className="stack" style={{ gap: '0.35rem' }}>
          <dl className={styles.planFacts}>
            <div>
              <dt>Estimated size</dt>
              <dd>{formatBytes(ix.sizeBytes)}</dd>
            </div>
            <div>
              <dt>Write cost</dt>
              <dd>
                one more index entry for each insert and each update that is not HOT: {formatCount(ix.writes.inserts)} inserts and{' '}
                {formatCount(ix.writes.updates)} such updates of {ix.table}{' '}
                {ix.writes.since ? `since ${formatUtc(ix.writes.since)}` : 'since statistics began'}; it has {ix.writes.indexes}{' '}
                {ix.writes.indexes === 1 ? 'index' : 'indexes'} now
              </dd>
            </div>
          </dl>
          <SqlBlock label="To create it yourself (builds without blocking writes)" sql={ix.definition} wrap />
        </div>
      ))}
      {r.status !== 'suggested' && r.tried.length > 0 && (
        <details className={styles.details}>
          <summary>{r.tried.length} hypothetical indexes tried</summary>
          <pre className={`${styles.pre} ${styles.wrap}`} tabIndex={0} aria-label="Hypothetical indexes tried">
            {r.tried.join('\n')}
          </pre>
        </details>
      )}
    </li>
  );
}
