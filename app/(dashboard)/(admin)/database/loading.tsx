import { Skeleton } from '@/app/_components/states';

export default function Loading() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Database health</h1>
          <p className="muted" style={{ margin: 0 }}>
            Indexes, tables and the plans of the dashboard&apos;s own queries.
          </p>
        </div>
      </div>
      <div className="card">
        <Skeleton rows={6} label="Loading query plans" />
      </div>
      <div className="card">
        <Skeleton rows={8} label="Loading indexes" />
      </div>
    </div>
  );
}
