import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { DEFAULT_GUARD, describeError, type Guard, guarded, oneLine, type Trx } from './db-health-guard';
import { CATALOG_CHECKS, list } from './db-health-checks-catalog';

// The Overview's server-wide checks, in an operator's words: each says what it looked at (evidence),
// whether that needs attention, and the SQL to run first. Index findings and query plans are
// folded in by db-health-overview.ts. Each check is one guarded read, so one that cannot answer
// (a lock, a missing extension) is "skipped" with its reason and the others still answer.

export type CheckStatus = 'ok' | 'info' | 'warning' | 'critical' | 'skipped';

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was looked at, in one or two lines. */
  evidence: string;
  /** What to do, in words; null when nothing. */
  action: string | null;
  /** SQL to run, ready to copy. */
  sql: string | null;
  /** What to know besides (e.g. the migration that owns an index). */
  note: string | null;
}

export interface CheckThresholds {
  /** An active query running longer than this is long-running. */
  longQuerySeconds: number;
  /** A session idle inside a transaction for longer than this holds locks and blocks vacuum. */
  idleInTransactionSeconds: number;
  /** pg_stat_statements: a statement whose mean execution time is above this is slow (the guide's 1 s). */
  slowMeanMs: number;
  /** Tables with fewer live rows than this need no statistics advice. */
  minRowsForAnalyze: number;
}

export const DEFAULT_THRESHOLDS: CheckThresholds = {
  longQuerySeconds: 60,
  idleInTransactionSeconds: 60,
  slowMeanMs: 1_000,
  minRowsForAnalyze: 1_000,
};

export type CheckFn = (trx: Trx, t: CheckThresholds) => Promise<Omit<Check, 'id' | 'title'>>;
export interface CheckDef {
  id: string;
  title: string;
  run: CheckFn;
}

interface Session {
  pid: number;
  seconds: number;
  application: string;
  query: string;
}

const sessionsOf = (trx: Trx, states: string[], minSeconds: number, since: 'query_start' | 'state_change') =>
  sql<Session>`
    select pid, extract(epoch from now() - ${sql.ref(since)})::float8 as seconds,
           coalesce(nullif(application_name, ''), '(no name)') as application, left(query, 300) as query
      from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
       and state = any(${states}::text[]) and now() - ${sql.ref(since)} > make_interval(secs => ${minSeconds})
     order by ${sql.ref(since)}`
    .execute(trx)
    .then((r) => r.rows);

const describeSession = (s: Session) => `pid ${s.pid} (${s.application}, ${Math.round(s.seconds)} s): ${oneLine(s.query, 80)}`;

const CHECKS: CheckDef[] = [
  {
    id: 'long-running',
    title: 'Long-running queries',
    async run(trx, t) {
      const rows = await sessionsOf(trx, ['active'], t.longQuerySeconds, 'query_start');
      if (!rows.length)
        return {
          status: 'ok',
          evidence: `No query has been running for more than ${t.longQuerySeconds} s.`,
          action: null,
          sql: null,
          note: null,
        };
      return {
        status: 'warning',
        evidence: `${rows.length} running for more than ${t.longQuerySeconds} s: ${list(rows.map(describeSession))}.`,
        action: 'Cancel the query if nobody is waiting for it (the Activity tab does it with a confirmation and records who did it).',
        sql: rows.map((r) => `SELECT pg_cancel_backend(${r.pid});`).join('\n'),
        note: 'Cancelling stops the statement only; the session and its application stay connected.',
      };
    },
  },
  {
    id: 'idle-in-transaction',
    title: 'Idle in transaction',
    async run(trx, t) {
      const rows = await sessionsOf(
        trx,
        ['idle in transaction', 'idle in transaction (aborted)'],
        t.idleInTransactionSeconds,
        'state_change',
      );
      if (!rows.length) {
        return {
          status: 'ok',
          evidence: `No session has sat inside an open transaction for more than ${t.idleInTransactionSeconds} s.`,
          action: null,
          sql: null,
          note: null,
        };
      }
      return {
        status: 'warning',
        evidence: `${rows.length} session(s) idle inside a transaction: ${list(rows.map(describeSession))}.`,
        action: 'End the session: an open transaction keeps its locks and stops VACUUM from removing dead rows anywhere.',
        sql: rows.map((r) => `SELECT pg_terminate_backend(${r.pid});`).join('\n'),
        note: "The application loses that connection and its transaction rolls back. To stop it recurring: ALTER DATABASE ... SET idle_in_transaction_session_timeout = '5min';",
      };
    },
  },
  ...CATALOG_CHECKS,
];

/** Runs every server-wide check, each in its own guarded transaction. */
export async function runServerChecks(
  db: Db,
  thresholds: CheckThresholds = DEFAULT_THRESHOLDS,
  guard: Guard = DEFAULT_GUARD,
): Promise<Check[]> {
  const out: Check[] = [];
  for (const c of CHECKS) {
    try {
      out.push({ id: c.id, title: c.title, ...(await guarded(db, (trx) => c.run(trx, thresholds), guard)) });
    } catch (err) {
      out.push({
        id: c.id,
        title: c.title,
        status: 'skipped',
        evidence: `Could not check: ${describeError(err, guard)}.`,
        action: null,
        sql: null,
        note: null,
      });
    }
  }
  return out;
}
