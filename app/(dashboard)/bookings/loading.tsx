import { Skeleton } from '@/app/_components/states';

export default function Loading() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Bookings</h1>
          <p className="muted" style={{ margin: 0 }}>Find a customer, then see their appointments.</p>
        </div>
      </div>
      <div className="card">
        <Skeleton rows={1} height={34} label="Loading customer search" />
      </div>
      <div className="card">
        <Skeleton rows={6} height={40} label="Loading bookings" />
      </div>
    </div>
  );
}
