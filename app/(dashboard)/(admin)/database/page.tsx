import type { Metadata } from 'next';
import { Suspense } from 'react';
import { QueryBoundary, Skeleton } from '@/app/_components/states';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { IndexHealth } from './index-health';
import { QueryPlans } from './query-plans';
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
      <Suspense
        fallback={
          <div className="card">
            <Skeleton rows={rows} label={`Loading ${label}`} />
          </div>
        }
      >
        {children}
      </Suspense>
    </QueryBoundary>
  );
}

export default async function DatabasePage() {
  // Not awaited: each section streams in on its own, so a slow or locked one holds back nothing.
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.database.queryPlans.queryOptions());
  void qc.prefetchQuery(trpc.database.indexes.queryOptions());
  void qc.prefetchQuery(trpc.database.tables.queryOptions());
  void qc.prefetchQuery(trpc.database.rollupConsistency.queryOptions());
  void qc.prefetchQuery(trpc.database.threadSummaries.queryOptions());
  void qc.prefetchQuery(trpc.database.slowQueries.queryOptions());
  return (
    <HydrateClient>
      <div className="stack">
        <PageHeader title="Database health" description={DATABASE_DESCRIPTION} />
        <Region label="query plans" rows={6}>
          <QueryPlans />
        </Region>
        <Region label="indexes" rows={8}>
          <IndexHealth />
        </Region>
        <Region label="tables" rows={6}>
          <TableHealth now={Date.now()} />
        </Region>
        <Region label="the rollup check" rows={3}>
          <RollupCheck />
        </Region>
        <Region label="the thread summary check" rows={2}>
          <ThreadSummaryCheck />
        </Region>
        <Region label="slow queries" rows={3}>
          <SlowQueries />
        </Region>
      </div>
    </HydrateClient>
  );
}
