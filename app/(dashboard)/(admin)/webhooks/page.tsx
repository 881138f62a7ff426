import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { listInput } from '@/lib/contract/webhooks';
import { loadWebhooksSearchParams } from './search-params';
import { WebhooksView } from './webhooks-view';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadWebhooksSearchParams(searchParams);
  const qc = getQueryClient();
  // Not awaited: the queries run in parallel and stream to the client, which suspends on each.
  void qc.prefetchQuery(trpc.webhooks.stats.queryOptions());
  void qc.prefetchQuery(trpc.webhooks.eventTypes.queryOptions());
  void qc.prefetchInfiniteQuery(
    trpc.webhooks.list.infiniteQueryOptions(listInput(params), { getNextPageParam: (page) => page.nextCursor }),
  );
  // Awaited (one indexed read of a capped table): the bad-signature warning at the top of the page
  // is then in the first HTML, instead of streaming in and pushing the whole page down.
  const rejections = qc.prefetchQuery(trpc.webhooks.rejections.queryOptions({ limit: 20 }));
  void qc.prefetchQuery(trpc.webhooks.replayJobs.queryOptions());
  // Awaited, and read with useQuery (not suspense): an id that does not exist fails here, is not
  // dehydrated, and the panel shows "not found" from the client's own fetch, instead of a
  // rejected promise streaming into a suspended render.
  await rejections;
  if (params.event) await qc.prefetchQuery(trpc.webhooks.byId.queryOptions({ id: params.event }));
  return (
    <HydrateClient>
      <WebhooksView timeZone={businessTimeZone()} />
    </HydrateClient>
  );
}
