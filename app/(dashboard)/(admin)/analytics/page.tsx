import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { AnalyticsView } from './analytics-view';
import { loadAnalyticsSearchParams } from './search-params';

export const metadata: Metadata = { title: 'Cost analytics' };

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { days } = await loadAnalyticsSearchParams(searchParams);
  // Awaited (a couple of milliseconds: the rollup), with no loading.tsx: the first HTML already holds
  // the numbers, and a navigation commits the finished page once instead of a skeleton that React
  // holds for at least 300 ms (its Suspense reveal throttle).
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.analytics.costByService.queryOptions({ days })),
    queryClient.prefetchQuery(trpc.analytics.budgets.queryOptions()),
    queryClient.prefetchQuery(trpc.analytics.alerts.queryOptions({ limit: 50 })),
  ]);
  return (
    <HydrateClient>
      <AnalyticsView />
    </HydrateClient>
  );
}
