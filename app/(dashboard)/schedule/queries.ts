import type { ScheduleFilters } from '@/lib/contract/schedule';
import type { useTRPC } from '@/app/_trpc/client';

type Trpc = ReturnType<typeof useTRPC>;

/**
 * The schedule's queries for one view, in ONE place: the server page prefetches exactly these, the
 * client prefetches and reads exactly these, so a new query cannot be forgotten in one of them.
 */
export function scheduleQueries(trpc: Trpc, input: ScheduleFilters) {
  return {
    summary: trpc.schedule.summary.queryOptions(input),
    list: trpc.schedule.list.infiniteQueryOptions(input, { getNextPageParam: (p) => p.nextCursor }),
  };
}
