import { PageSkeleton, SkeletonCard } from '@/app/_components/states';
import { FunnelSkeleton } from './attribution-view';
import { ATTRIBUTION_DESCRIPTION } from './header';

export default function Loading() {
  return (
    <PageSkeleton title="Attribution" description={ATTRIBUTION_DESCRIPTION}>
      <SkeletonCard rows={1} height={34} label="Loading date range" />
      <FunnelSkeleton />
    </PageSkeleton>
  );
}
