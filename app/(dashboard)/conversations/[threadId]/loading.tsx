import { Skeleton } from '@/app/_components/states';

export default function Loading() {
  return (
    <div className="stack">
      <div className="card">
        <Skeleton rows={2} height={22} label="Loading conversation" />
      </div>
      <div className="card">
        <Skeleton rows={7} height={48} label="Loading messages" />
      </div>
    </div>
  );
}
