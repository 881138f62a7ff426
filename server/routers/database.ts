import { TRPCError } from '@trpc/server';
import { backendActionInput, explainAnalyzeInput } from '@/lib/contract/database';
import { readActivity, signalBackend } from '../queries/db-health-activity';
import { readHistory } from '../queries/db-health-history';
import { readOverview } from '../queries/db-health-overview';
import { businessTimeZone } from '../env';
import { readSection } from '../queries/db-health-guard';
import { readIndexSection } from '../queries/db-health-indexes';
import { explainAnalyzeQuery, readQueryPlans } from '../queries/db-health-queries';
import { readSlowQueries, readTableSection } from '../queries/db-health';
import { readIndexSuggestions } from '../queries/db-health-suggestions';
import { readRollupCheck, ROLLUP_GUARD } from '../queries/db-health-rollup';
import { readThreadSummaryCheck, THREAD_GUARD } from '../queries/db-health-threads';
import { adminProcedure, createRouter } from '../trpc';

/**
 * The database health page, admins only. Each section is its own procedure so one slow or locked
 * section never holds back the others; each answers with what it could not read instead of failing.
 */
export const databaseRouter = createRouter({
  /** The verdict and every check, each with its evidence and the SQL to run. */
  overview: adminProcedure.query(({ ctx }) => readSection('the overview', () => readOverview(ctx.db))),

  /** Statement timings and sizes over days (captured by the worker): what got slower since yesterday. */
  history: adminProcedure.query(({ ctx }) => readSection('the history', () => readHistory(ctx.db))),

  /** Client sessions of this database, and the latest cancel/terminate actions. */
  activity: adminProcedure.query(({ ctx }) => readSection('the activity', () => readActivity(ctx.db))),

  /** Cancel a session's query or end the session; recorded in db_admin_actions whatever the outcome. */
  signalBackend: adminProcedure.input(backendActionInput).mutation(async ({ ctx, input }) => {
    const result = await signalBackend(ctx.db, input, ctx.user);
    if (result.outcome === 'not-found') {
      throw new TRPCError({ code: 'NOT_FOUND', message: `No client session with pid ${input.pid} in this database (it may have ended).` });
    }
    if (result.outcome === 'refused') throw new TRPCError({ code: 'BAD_REQUEST', message: result.reason });
    return result;
  }),

  /**
   * Where replica reads (procedures marked `.use(onReplica)`) go now and how far the replica is
   * behind. Read on the primary: table statistics and pg_stat_statements live there, not on a standby.
   */
  replication: adminProcedure.query(async ({ ctx }) => {
    const router = ctx.services.replica;
    if (!router) {
      return {
        configured: false,
        node: 'primary' as const,
        lagMs: null,
        lagBytes: null,
        maxLagMs: null,
        reason: 'DATABASE_REPLICA_URL is not set',
      };
    }
    const { status } = await router.pick();
    return { configured: true, ...status, maxLagMs: router.maxLagMs };
  }),

  /** Indexes with findings (redundant, unused, invalid, bloated, covering-index visibility) and fix SQL. */
  indexes: adminProcedure.query(({ ctx }) => readSection('the indexes', () => readIndexSection(ctx.db))),

  /** Tables: rows, sizes, last (auto)vacuum and (auto)analyze. */
  tables: adminProcedure.query(({ ctx }) => readSection('the tables', () => readTableSection(ctx.db))),

  /** The plan of each query the dashboard runs, with representative parameters. */
  queryPlans: adminProcedure.query(({ ctx }) => readSection('the query plans', () => readQueryPlans(ctx.db))),

  /**
   * Indexes that would help the dashboard's queries and pg_stat_statements' top statements,
   * verified with HypoPG hypothetical indexes on a direct session: suggestions only, never created.
   */
  indexSuggestions: adminProcedure.query(({ ctx }) =>
    readSection('the index suggestions', () => readIndexSuggestions(ctx.db, ctx.services.directUrl)),
  ),

  /** pg_stat_statements' most expensive statements, or how to enable it. */
  slowQueries: adminProcedure.query(({ ctx }) =>
    readSection('pg_stat_statements', async () => ({ data: await readSlowQueries(ctx.db), problems: [] })),
  ),

  /** Whether the analytics rollup's totals equal the raw api_usage totals for the last 90 days. */
  rollupConsistency: adminProcedure.query(({ ctx }) =>
    readSection(
      'the rollup consistency check',
      async () => ({ data: await readRollupCheck(ctx.db, businessTimeZone()), problems: [] }),
      ROLLUP_GUARD,
    ),
  ),

  /** Whether the threads of the newest messages carry the summaries their messages give (0010). */
  threadSummaries: adminProcedure.query(({ ctx }) =>
    readSection('the thread summary check', async () => ({ data: await readThreadSummaryCheck(ctx.db), problems: [] }), THREAD_GUARD),
  ),

  /**
   * EXPLAIN (ANALYZE, BUFFERS) of one registered query, in a transaction that is rolled back.
   * A mutation: it runs the statement, on demand, and must never be cached or refetched by itself.
   */
  explainAnalyze: adminProcedure.input(explainAnalyzeInput).mutation(async ({ ctx, input }) => {
    const report = await explainAnalyzeQuery(ctx.db, input.id);
    if (!report) throw new TRPCError({ code: 'NOT_FOUND', message: `No registered query ${input.id}.` });
    return report;
  }),
});
