import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { createLoader } from 'nuqs/server';
import { getQueryClient, HydrateClient, trpc } from '@/app/_trpc/server';
import { businessDay } from '@/lib/business-day';
import { scheduleInput, scheduleSearchParams } from '@/lib/contract/schedule';
import { businessTimeZone } from '@/server/env';
import { describeTimeZone } from '../bookings/format';
import { scheduleQueries } from './queries';
import { ScheduleView } from './schedule-view';

export const metadata: Metadata = { title: 'Schedule' };

const loadScheduleSearchParams = createLoader(scheduleSearchParams);

export default async function SchedulePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const timeZone = businessTimeZone();
  // "Today" is the business day now, decided once here and handed to the client, so the server's
  // render and the browser's hydration ask for the same day.
  const today = businessDay(timeZone, new Date());
  const input = scheduleInput(await loadScheduleSearchParams(searchParams), today);
  const qc = getQueryClient();
  const q = scheduleQueries(trpc, input);
  // Both are index range scans of one day or week (about a millisecond each at 1M bookings), so
  // they are awaited: the first HTML holds the schedule. Prefetches never throw; a failure shows
  // in the client's error boundary with a retry.
  await Promise.all([qc.prefetchQuery(q.summary), qc.prefetchInfiniteQuery(q.list)]);
  return (
    <HydrateClient>
      <ScheduleView today={today} timeZone={timeZone} timeZoneLabel={describeTimeZone(timeZone)} />
    </HydrateClient>
  );
}
