import { Skeleton } from '@/app/_components/states';

export default function Loading() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Attribution</h1>
          <p className="muted" style={{ margin: 0 }}>Where visitors come from, and how far they go.</p>
        </div>
      </div>
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
