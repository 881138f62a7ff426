import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { listInputFromUrl, loadListSearchParams, messageSearchInputFromUrl } from '@/lib/contract/conversations';
import { businessTimeZone } from '@/server/env';
import { ThreadList } from './thread-list';

export const metadata: Metadata = { title: 'Conversations' };

export default async function ConversationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadListSearchParams(searchParams);
  // Awaited (about 10 ms at 1M rows), and no loading.tsx: a client-side navigation then commits
  // the finished page once. A skeleton shown first would hold the page back: React keeps a
  // fallback on screen for at least 300 ms (its Suspense reveal throttle), which measured ~380 ms
  // for this navigation instead of ~140 ms. The sidebar link shows the wait (NavLinks).
  // The message search (a few ms at 1M messages) is prefetched beside the list.
  const queryClient = getQueryClient();
  const search = messageSearchInputFromUrl(params);
  await Promise.all([
    queryClient.prefetchInfiniteQuery(
      trpc.conversations.list.infiniteQueryOptions(listInputFromUrl(params), { getNextPageParam: (page) => page.nextCursor }),
    ),
    search ? queryClient.prefetchQuery(trpc.conversations.searchMessages.queryOptions(search)) : null,
  ]);
  const timeZone = businessTimeZone();
  return (
    <HydrateClient>
      <ThreadList timeZone={timeZone} now={Date.now()} />
    </HydrateClient>
  );
}
