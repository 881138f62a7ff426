import { Skeleton } from '@/app/_components/states';

export default function Loading() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Database health</h1>
        </div>
      </div>
      <div className="card">
        <Skeleton rows={8} label="Loading the database section" />
      </div>
    </div>
  );
}
