import { Skeleton } from '@/app/_components/states';
import { PageHeader } from '@/app/_components/page-header';
import { DATABASE_DESCRIPTION } from './header';

export default function Loading() {
  return (
    <div className="stack">
      <PageHeader title="Database health" description={DATABASE_DESCRIPTION} />
      <div className="card">
        <Skeleton rows={8} label="Loading the database section" />
      </div>
    </div>
  );
}
