import { Skeleton } from '@/app/_components/states';

export default function Loading() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Webhooks</h1>
          <p className="muted" style={{ margin: 0 }}>
            HousecallPro deliveries and the queue that applies them.
          </p>
        </div>
      </div>
      <div className="cards">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="card">
            <Skeleton rows={2} height={20} label={i === 0 ? 'Loading queue status' : 'Loading'} />
          </div>
        ))}
      </div>
      <div className="card">
        <Skeleton rows={8} height={32} label="Loading events" />
      </div>
    </div>
  );
}
