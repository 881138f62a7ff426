import { TRPCError } from '@trpc/server';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessTimeZone } from '@/server/env';
import { historyInputFromUrl } from '@/lib/contract/conversations';
import { ThreadView } from './thread-view';

export const metadata: Metadata = { title: 'Conversation' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ThreadPage({
  params,
  searchParams,
}: {
  params: Promise<{ threadId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { threadId } = await params;
  const query = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : null);
  if (!UUID.test(threadId)) notFound();
  const queryClient = getQueryClient();
  // Both awaited, together (two index lookups): the header so that an unknown id becomes a real 404
  // page (a failed query streamed to the client would arrive as a redacted error and be retried
  // there during SSR), and the newest messages so that a navigation commits the finished page once
  // instead of a skeleton that React then holds for at least 300 ms (see the conversations page).
  // prefetchInfiniteQuery never throws: a failure leaves the query to the client, which shows it.
  const history = queryClient.prefetchInfiniteQuery(
    trpc.conversations.history.infiniteQueryOptions(historyInputFromUrl(threadId, { get: (name) => one(query[name]) }), {
      getNextPageParam: (page) => page.nextCursor,
      getPreviousPageParam: (page) => page.prevCursor,
    }),
  );
  try {
    await queryClient.fetchQuery({ ...trpc.conversations.byId.queryOptions({ threadId }), retry: false });
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'NOT_FOUND') notFound();
    throw error;
  } finally {
    await history;
  }
  return (
    <HydrateClient>
      <ThreadView threadId={threadId} timeZone={businessTimeZone()} />
    </HydrateClient>
  );
}
