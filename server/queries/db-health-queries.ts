import type { Db } from '@/db/client';
import type { AppQueryId } from '@/lib/contract/database';
import { type AppQuery, APP_QUERIES } from './db-health-app-queries';
import { blockingLocks, describeError, describeLock, type Guard, DEFAULT_GUARD, guarded, setLimits, type Trx } from './db-health-guard';
import { type AnalyzeSummary, explainAnalyzePlan, explainPlan, type PlanSummary } from './db-health-plans';

export interface QueryPlanReport {
  id: AppQueryId;
  label: string;
  source: string;
  expects: string[];
  /** What the representative parameters are, in words. */
  params: string | null;
  sql: string | null;
  parameters: string[];
  /** red: a big table is scanned sequentially; warn: an expected index is not used. */
  status: 'ok' | 'warn' | 'red' | 'skipped' | 'error';
  /** Why it was skipped or failed. */
  problem: string | null;
  plan: PlanSummary | null;
  /** Expected indexes the plan does not use. */
  missingExpected: string[];
}

function showParam(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export async function prepareAppQuery(trx: Trx, q: AppQuery) {
  const picked = await q.pick(trx);
  if (!picked) return null;
  // Compiled with the transaction: an executing function's statement is captured, never sent.
  const compiled = await q.compile(trx, picked.params);
  return { picked, compiled };
}

/** Plans of every registered query; one short guarded transaction each, so one lock skips one query. */
export async function readQueryPlans(db: Db, guard: Guard = DEFAULT_GUARD): Promise<{ data: QueryPlanReport[]; problems: string[] }> {
  const locks = await guarded(db, blockingLocks, guard);
  const problems = locks.length ? [`Some plans skipped: ${locks.map(describeLock).join('; ')}.`] : [];
  const out: QueryPlanReport[] = [];
  for (const q of APP_QUERIES) {
    const base = { id: q.id, label: q.label, source: q.source, expects: q.expects };
    const blocked = locks.filter((l) => q.tables.includes(l.table));
    if (blocked.length) {
      out.push({
        ...base,
        params: null,
        sql: null,
        parameters: [],
        status: 'skipped',
        problem: `Not planned: ${blocked.map(describeLock).join('; ')}.`,
        plan: null,
        missingExpected: [],
      });
      continue;
    }
    try {
      const report = await guarded(
        db,
        async (trx) => {
          const prepared = await prepareAppQuery(trx, q);
          if (!prepared)
            return {
              ...base,
              params: null,
              sql: null,
              parameters: [],
              status: 'skipped' as const,
              problem: 'No data to pick parameters from.',
              plan: null,
              missingExpected: [],
            };
          const plan = await explainPlan(trx, prepared.compiled);
          const missingExpected = q.expects.filter((i) => !plan.indexes.includes(i));
          return {
            ...base,
            params: prepared.picked.describe,
            sql: prepared.compiled.sql,
            parameters: prepared.compiled.parameters.map(showParam),
            status: plan.red ? ('red' as const) : missingExpected.length ? ('warn' as const) : ('ok' as const),
            problem: null,
            plan,
            missingExpected,
          };
        },
        guard,
      );
      out.push(report);
    } catch (err) {
      out.push({
        ...base,
        params: null,
        sql: null,
        parameters: [],
        status: 'error',
        problem: `Could not plan: ${describeError(err, guard)}.`,
        plan: null,
        missingExpected: [],
      });
    }
  }
  return { data: out, problems };
}

export interface AnalyzeReport {
  id: string;
  params: string | null;
  result: AnalyzeSummary | null;
  problem: string | null;
}

/** Generous but bounded: EXPLAIN ANALYZE runs the statement, and the user asked for it. */
export const ANALYZE_GUARD: Guard = { lockTimeoutMs: 500, statementTimeoutMs: 10_000 };

/**
 * EXPLAIN (ANALYZE, BUFFERS) of one registered query, inside a transaction that is always rolled
 * back: the statement really runs, and nothing it might write survives. Only registered queries
 * can be analyzed: the browser sends an id, never SQL.
 */
export async function explainAnalyzeQuery(db: Db, id: string, guard: Guard = ANALYZE_GUARD): Promise<AnalyzeReport | null> {
  const q = APP_QUERIES.find((x) => x.id === id);
  if (!q) return null;
  const trx = await db.startTransaction().execute();
  try {
    await setLimits(trx, guard);
    const prepared = await prepareAppQuery(trx, q);
    if (!prepared) return { id, params: null, result: null, problem: 'No data to pick parameters from.' };
    return { id, params: prepared.picked.describe, result: await explainAnalyzePlan(trx, prepared.compiled), problem: null };
  } catch (err) {
    return { id, params: null, result: null, problem: `Could not run EXPLAIN ANALYZE: ${describeError(err, guard)}.` };
  } finally {
    await trx.rollback().execute();
  }
}
