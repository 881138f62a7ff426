import { Skeleton } from '@/app/_components/states';
import { ReportSkeleton } from './report-skeleton';

export default function Loading() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Cost analytics</h1>
          <Skeleton rows={1} height={14} label="Loading cost analytics" />
        </div>
      </div>
      <ReportSkeleton />
    </div>
  );
}
