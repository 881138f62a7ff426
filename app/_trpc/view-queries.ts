import { type QueryClient, useQueryClient } from '@tanstack/react-query';

/**
 * A view's queries, declared once (e.g. bookings/queries.ts): the tRPC query options of everything
 * the first render reads. The server page fetches every entry with fetchViewQueries, the client
 * starts every entry with usePrefetchViewQueries, and the components read their entry from the same
 * object, so a query added to the declaration is prefetched on both sides without another edit.
 */
export type ViewQueries = Record<string, { queryKey: readonly unknown[] }>;

/** tRPC's infiniteQueryOptions carry getNextPageParam; plain queryOptions do not. */
export function isInfiniteOptions(options: object): boolean {
  return 'getNextPageParam' in options;
}

/**
 * Server page: fetch every query of the view at once and wait for them (index lookups, about a
 * millisecond each). retry: false, and when any of them fails every one is dropped from the cache:
 * a server-side rejection would reach the browser redacted ("An error occurred in the Server
 * Components render"); left out, the client asks again and its error boundary shows the real error
 * (e.g. NOT_FOUND "No customer with id …"). Never throws.
 */
export async function fetchViewQueries(qc: QueryClient, queries: ViewQueries): Promise<{ failed: number }> {
  const all = Object.values(queries);
  const results = await Promise.allSettled(
    all.map((o) =>
      isInfiniteOptions(o) ? qc.fetchInfiniteQuery({ ...o, retry: false } as never) : qc.fetchQuery({ ...o, retry: false } as never),
    ),
  );
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) for (const o of all) qc.removeQueries({ queryKey: o.queryKey, exact: true });
  return { failed };
}

/**
 * Client: start every query of the view not already in the cache (one batched request), before
 * anything suspends. After a server render they are all cached and nothing is fetched. What
 * TanStack's usePrefetchQuery does, for a whole declaration at once.
 */
export function usePrefetchViewQueries(queries: ViewQueries): void {
  const qc = useQueryClient();
  if (typeof window === 'undefined') return;
  for (const o of Object.values(queries)) {
    if (qc.getQueryState(o.queryKey as never)) continue;
    void (isInfiniteOptions(o) ? qc.prefetchInfiniteQuery(o as never) : qc.prefetchQuery(o as never));
  }
}
