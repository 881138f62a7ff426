import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { Suspense } from 'react';
import { QueryBoundary, SkeletonCard } from '@/app/_components/states';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { loadDatabaseSearchParams } from '@/lib/contract/database';
import { DatabaseTabs } from './database-tabs';
import { Activity } from './activity';
import { QueryHistory, TableGrowth } from './history';
import { IndexHealth } from './index-health';
import { IndexSuggestions } from './index-suggestions';
import { Overview } from './overview';
import { QueryPlans } from './query-plans';
import { Replication } from './replication';
import { RollupCheck } from './rollup-check';
import { ThreadSummaryCheck } from './thread-summary-check';
import { SlowQueries } from './slow-queries';
import { TableHealth } from './table-health';
import { PageHeader } from '@/app/_components/page-header';
import { DATABASE_DESCRIPTION } from './header';

export const metadata: Metadata = { title: 'Database health' };

function Region({ label, rows = 6, children }: { label: string; rows?: number; children: React.ReactNode }) {
  return (
    <QueryBoundary>
      <Suspense fallback={<SkeletonCard rows={rows} label={`Loading ${label}`} />}>{children}</Suspense>
    </QueryBoundary>
  );
}

export default async function DatabasePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { tab } = await loadDatabaseSearchParams(searchParams);
  // Only the open tab's sections are read. Not awaited: each streams in on its own, so a slow or
  // locked one holds back nothing.
  const qc = getQueryClient();
  if (tab === 'overview') void qc.prefetchQuery(trpc.database.overview.queryOptions());
  if (tab === 'overview') void qc.prefetchQuery(trpc.database.replication.queryOptions());
  if (tab === 'queries') void qc.prefetchQuery(trpc.database.queryPlans.queryOptions());
  if (tab === 'queries') void qc.prefetchQuery(trpc.database.slowQueries.queryOptions());
  if (tab === 'queries') void qc.prefetchQuery(trpc.database.indexSuggestions.queryOptions());
  if (tab === 'queries' || tab === 'tables') void qc.prefetchQuery(trpc.database.history.queryOptions());
  if (tab === 'indexes') void qc.prefetchQuery(trpc.database.indexes.queryOptions());
  if (tab === 'tables') void qc.prefetchQuery(trpc.database.tables.queryOptions());
  if (tab === 'activity') void qc.prefetchQuery(trpc.database.activity.queryOptions());
  if (tab === 'consistency') void qc.prefetchQuery(trpc.database.rollupConsistency.queryOptions());
  if (tab === 'consistency') void qc.prefetchQuery(trpc.database.threadSummaries.queryOptions());
  return (
    <HydrateClient>
      <div className="stack">
        <PageHeader title="Database health" description={DATABASE_DESCRIPTION} />
        <DatabaseTabs current={tab} />
        {tab === 'overview' && (
          // The replica panel may not appear before the overview above it: its query answers first,
          // and the overview arriving later pushed the panel down (a 0.15 layout shift at 390 px,
          // every cold load). One Suspense boundary around both, each with its own error boundary:
          // the overview's skeleton until it lands, the panel below it (its own skeleton if later).
          <Suspense fallback={<SkeletonCard rows={8} label="Loading the overview" />}>
            <QueryBoundary>
              <Overview />
            </QueryBoundary>
            <Region label="the read replica" rows={2}>
              <Replication />
            </Region>
          </Suspense>
        )}
        {tab === 'queries' && (
          <>
            <Region label="the history" rows={3}>
              <QueryHistory />
            </Region>
            <Region label="slow queries" rows={3}>
              <SlowQueries />
            </Region>
            <Region label="index suggestions" rows={4}>
              <IndexSuggestions />
            </Region>
            <Region label="query plans" rows={6}>
              <QueryPlans />
            </Region>
          </>
        )}
        {tab === 'indexes' && (
          <Region label="indexes" rows={8}>
            <IndexHealth />
          </Region>
        )}
        {tab === 'tables' && (
          <>
            <Region label="table growth" rows={3}>
              <TableGrowth />
            </Region>
            <Region label="tables" rows={6}>
              <TableHealth now={Date.now()} />
            </Region>
          </>
        )}
        {tab === 'activity' && (
          <Region label="activity" rows={6}>
            <Activity />
          </Region>
        )}
        {tab === 'consistency' && (
          <>
            <Region label="the rollup check" rows={3}>
              <RollupCheck />
            </Region>
            <Region label="the thread summary check" rows={2}>
              <ThreadSummaryCheck />
            </Region>
          </>
        )}
      </div>
    </HydrateClient>
  );
}
