import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { businessTimeZone } from '../env';
import { readSection } from '../queries/db-health-guard';
import { readIndexSection } from '../queries/db-health-indexes';
import { APP_QUERIES, explainAnalyzeQuery, readQueryPlans } from '../queries/db-health-queries';
import { readSlowQueries, readTableSection } from '../queries/db-health';
import { readRollupCheck, ROLLUP_GUARD } from '../queries/db-health-rollup';
import { readThreadSummaryCheck, THREAD_GUARD } from '../queries/db-health-threads';
import { adminProcedure, createRouter } from '../trpc';

const queryIds = APP_QUERIES.map((q) => q.id) as [string, ...string[]];

/**
 * The database health page, admins only. Each section is its own procedure so one slow or locked
 * section never holds back the others; each answers with what it could not read instead of failing.
 */
export const databaseRouter = createRouter({
  /**
   * Where replica reads (procedures marked `.use(onReplica)`) go now and how far the replica is
   * behind. Read on the primary: table statistics and pg_stat_statements live there, not on a standby.
   */
  replication: adminProcedure.query(async ({ ctx }) => {
    const router = ctx.services.replica;
    if (!router) return { configured: false, node: 'primary' as const, lagMs: null, reason: 'DATABASE_REPLICA_URL is not set' };
    const { status } = await router.pick();
    return { configured: true, ...status };
  }),

  /** Indexes with findings (redundant, unused, invalid, bloated, covering-index visibility) and fix SQL. */
  indexes: adminProcedure.query(({ ctx }) => readSection('the indexes', () => readIndexSection(ctx.db))),

  /** Tables: rows, sizes, last (auto)vacuum and (auto)analyze. */
  tables: adminProcedure.query(({ ctx }) => readSection('the tables', () => readTableSection(ctx.db))),

  /** The plan of each query the dashboard runs, with representative parameters. */
  queryPlans: adminProcedure.query(({ ctx }) => readSection('the query plans', () => readQueryPlans(ctx.db))),

  /** pg_stat_statements' most expensive statements, or how to enable it. */
  slowQueries: adminProcedure.query(({ ctx }) => readSection('pg_stat_statements', async () => ({ data: await readSlowQueries(ctx.db), problems: [] }))),

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
  explainAnalyze: adminProcedure
    .input(z.strictObject({ id: z.enum(queryIds, { message: `id must be one of ${queryIds.join(', ')}` }) }))
    .mutation(async ({ ctx, input }) => {
      const report = await explainAnalyzeQuery(ctx.db, input.id);
      if (!report) throw new TRPCError({ code: 'NOT_FOUND', message: `No registered query ${input.id}.` });
      return report;
    }),
});
