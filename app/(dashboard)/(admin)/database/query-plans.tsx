'use client';

import { useMutation, useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { type AnalyzeResult, formatCount, type PlanRow } from './format';
import { Problems } from './problems';
import { SqlBlock } from './sql-block';

const STATUS: Record<PlanRow['status'], { text: string; badge: string }> = {
  ok: { text: '✓ Uses its index', badge: 'badge-ok' },
  warn: { text: '⚠ Expected index not used', badge: 'badge-warn' },
  red: { text: '✖ Seq Scan of a big table', badge: 'badge-danger' },
  skipped: { text: '⚠ Not planned', badge: 'badge-warn' },
  error: { text: '✖ Could not plan', badge: 'badge-danger' },
};

export function QueryPlans() {
  const trpc = useTRPC();
  const { data, refetch, isFetching } = useSuspenseQuery(trpc.database.queryPlans.queryOptions());
  const plans = data.ok ? data.data : [];
  const red = plans.filter((p) => p.status === 'red').length;
  return (
    <section className={`card ${styles.section}`} aria-labelledby="plans-h">
      <div className={styles.sectionHead}>
        <h2 id="plans-h">The dashboard&apos;s own queries</h2>
        <span className="row">
          <span className={`muted ${styles.meta}`}>
            {plans.length} queries · {red ? `${red} with a Seq Scan of a big table` : 'no Seq Scan of a big table'}
          </span>
          <button type="button" className="btn" onClick={() => refetch()} disabled={isFetching}>
            {isFetching ? 'Planning…' : 'Re-plan'}
          </button>
        </span>
      </div>
      <p className={`muted ${styles.meta}`} style={{ margin: 0 }}>
        Each query is compiled by the function its page calls, with parameters picked from the data, and planned with <code>EXPLAIN</code>.{' '}
        <em>Explain analyze</em> runs it for real inside a transaction that is rolled back.
      </p>
      <Problems problems={data.problems} title={data.ok ? 'Partly read' : 'Could not read the plans'} />
      <ul className={styles.plans}>
        {plans.map((p) => (
          <PlanItem key={p.id} plan={p} />
        ))}
      </ul>
    </section>
  );
}

function PlanItem({ plan }: { plan: PlanRow }) {
  const trpc = useTRPC();
  const analyze = useMutation(trpc.database.explainAnalyze.mutationOptions());
  const status = STATUS[plan.status];
  const headingId = `plan-${plan.id.replace(/\W/g, '-')}`;
  return (
    <li className={styles.plan} data-status={plan.status} aria-labelledby={headingId}>
      <div className={styles.planHead}>
        <div>
          <strong id={headingId}>{plan.label}</strong>
          <div className={`muted ${styles.meta} mono`}>{plan.source}</div>
        </div>
        <span className={`badge ${status.badge}`}>{status.text}</span>
      </div>
      {plan.problem && <div className={styles.note}>{plan.problem}</div>}
      {plan.plan && (
        <dl className={styles.planFacts}>
          <div>
            <dt>Parameters</dt>
            <dd>{plan.params}</dd>
          </div>
          <div>
            <dt>Top node</dt>
            <dd className="mono">{plan.plan.topNode}</dd>
          </div>
          <div>
            <dt>Indexes</dt>
            <dd className="mono">{plan.plan.indexes.length ? plan.plan.indexes.join(', ') : 'none'}</dd>
          </div>
          {plan.plan.seqScans.map((s) => (
            <div key={s.table}>
              <dt>{s.big && !s.onlyWhen ? '✖ Seq Scan' : 'Seq Scan'}</dt>
              <dd>
                <span className="mono">{s.table}</span> ({formatCount(s.estimatedRows)} rows):{' '}
                {!s.big
                  ? 'small table, fine'
                  : s.onlyWhen
                    ? `big table, in a branch that runs only when ${s.onlyWhen}`
                    : 'big table read in full'}
              </dd>
            </div>
          ))}
          {plan.missingExpected.length > 0 && (
            <div>
              <dt>Not used</dt>
              <dd className="mono">{plan.missingExpected.join(', ')}</dd>
            </div>
          )}
        </dl>
      )}
      {plan.plan && (
        <details className={styles.details}>
          <summary>Plan and SQL</summary>
          <div className="stack" style={{ gap: '0.5rem' }}>
            <pre className={styles.pre} tabIndex={0} aria-label="Query plan">
              {plan.plan.lines.join('\n')}
            </pre>
            {plan.sql && <SqlBlock label="SQL" sql={withParams(plan.sql, plan.parameters)} wrap />}
          </div>
        </details>
      )}
      {plan.sql && (
        <div className={styles.analyze}>
          <div className="row">
            <button
              type="button"
              className="btn"
              disabled={analyze.isPending}
              onClick={() => analyze.mutate({ id: plan.id })}
              aria-describedby={headingId}
            >
              {analyze.isPending ? 'Running…' : 'Explain analyze'}
            </button>
            <span className={`muted ${styles.meta}`} aria-live="polite">
              {analyze.isPending ? 'Running inside a transaction that will be rolled back…' : ''}
            </span>
          </div>
          {analyze.error && <div role="alert">⚠ {analyze.error.message}</div>}
          {analyze.data && <AnalyzeOutput result={analyze.data} />}
        </div>
      )}
    </li>
  );
}

function AnalyzeOutput({ result }: { result: AnalyzeResult }) {
  if (result.problem || !result.result) return <div role="status">⚠ {result.problem}</div>;
  const r = result.result;
  return (
    <div className="stack" style={{ gap: '0.4rem' }} role="status">
      <div className={styles.meta}>
        <strong>{r.executionMs.toFixed(2)} ms</strong> execution · {r.planningMs.toFixed(2)} ms planning · {formatCount(r.actualRows)} rows
        · buffers: {formatCount(r.sharedHit)} hit, {formatCount(r.sharedRead)} read
        {r.red ? ' · ✖ Seq Scan of a big table' : ''} · rolled back
      </div>
      <pre className={styles.pre} tabIndex={0} aria-label="Query plan">
        {r.lines.join('\n')}
      </pre>
    </div>
  );
}

/** The statement with its bind parameters ($1, $2...) listed under it as a comment. */
function withParams(sql: string, params: string[]): string {
  if (!params.length) return sql;
  return `${sql}\n-- ${params.map((p, i) => `$${i + 1} = ${p}`).join(', ')}`;
}
