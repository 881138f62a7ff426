import { PageSkeleton, SkeletonCard } from '@/app/_components/states';
import { DatabaseTabs } from './database-tabs';
import { DATABASE_DESCRIPTION } from './header';

export default function Loading() {
  // The overview's skeleton (the tab a link to the page opens on), as its Region fallback draws it.
  return (
    <PageSkeleton title="Database health" description={DATABASE_DESCRIPTION}>
      <DatabaseTabs current={null} />
      <SkeletonCard rows={8} label="Loading the database section" />
    </PageSkeleton>
  );
}
