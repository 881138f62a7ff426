import { Skeleton } from '@/app/_components/states';
import { PageHeader } from '@/app/_components/page-header';
import { ATTRIBUTION_DESCRIPTION } from './header';

export default function Loading() {
  return (
    <div className="stack">
      <PageHeader title="Attribution" description={ATTRIBUTION_DESCRIPTION} />
      <div className="card">
        <Skeleton rows={1} height={34} label="Loading date range" />
      </div>
      <div className="card">
        <Skeleton rows={5} height={36} label="Loading funnel" />
      </div>
      <div className="card">
        <Skeleton rows={8} height={22} label="Loading sources" />
      </div>
    </div>
  );
}
