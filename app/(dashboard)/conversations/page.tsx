import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { listInput, loadListSearchParams } from './search-params';
import { ThreadList } from './thread-list';

export const metadata: Metadata = { title: 'Conversations' };

export default async function ConversationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadListSearchParams(searchParams);
  // Not awaited: the query streams to the client, which suspends on it until it lands.
  void getQueryClient().prefetchInfiniteQuery(
    trpc.conversations.list.infiniteQueryOptions(listInput(params), { getNextPageParam: (page) => page.nextCursor }),
  );
  const timeZone = businessTimeZone();
  return (
    <HydrateClient>
      <ThreadList timeZone={timeZone} now={Date.now()} />
    </HydrateClient>
  );
}
