import { PageSkeleton, SkeletonCard } from '@/app/_components/states';
import { businessTimeZone } from '@/server/env';
import { WEBHOOKS_DESCRIPTION } from './header';
import { StatsSkeleton } from './webhooks-view';

export default function Loading() {
  return (
    <PageSkeleton title="Webhooks" description={`${WEBHOOKS_DESCRIPTION} Times in ${businessTimeZone()}.`}>
      <StatsSkeleton />
      <SkeletonCard rows={8} height={30} label="Loading events" />
    </PageSkeleton>
  );
}
