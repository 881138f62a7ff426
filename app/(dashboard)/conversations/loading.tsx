import { Skeleton } from '@/app/_components/states';

export default function Loading() {
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Conversations</h1>
          <p className="muted" style={{ margin: 0 }}>Web chat, SMS and calls, most recent first.</p>
        </div>
      </div>
      <div className="card">
        <Skeleton rows={8} height={44} label="Loading conversations" />
      </div>
    </div>
  );
}
