import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { HISTORY_PAGE_SIZE } from '../search-params';
import { ThreadView } from './thread-view';

export const metadata: Metadata = { title: 'Conversation' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ThreadPage({ params }: { params: Promise<{ threadId: string }> }) {
  const { threadId } = await params;
  if (!UUID.test(threadId)) notFound();
  const queryClient = getQueryClient();
  // Both stream to the client; the header and the newest page of messages arrive together.
  void queryClient.prefetchQuery(trpc.conversations.byId.queryOptions({ threadId }));
  void queryClient.prefetchInfiniteQuery(
    trpc.conversations.history.infiniteQueryOptions(
      { threadId, limit: HISTORY_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  return (
    <HydrateClient>
      <ThreadView threadId={threadId} timeZone={businessTimeZone()} />
    </HydrateClient>
  );
}
