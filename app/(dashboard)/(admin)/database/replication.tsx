'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';

/** Which node the dashboard's reads use now, and how far the replica is behind (issue 15). */
export function Replication() {
  const trpc = useTRPC();
  // Re-read every 5 s: a paused or cut-off replica shows up here without a reload.
  const { data } = useSuspenseQuery({ ...trpc.database.replication.queryOptions(), refetchInterval: 5_000 });
  const lagging = data.configured && data.node === 'primary';
  return (
    <section className={`card ${styles.section}`} aria-labelledby="replication-h" data-testid="replication">
      <div className={styles.sectionHead}>
        <h2 id="replication-h">Read replica</h2>
        <span className={`badge ${!data.configured ? '' : lagging ? 'badge-warn' : 'badge-ok'}`} data-testid="replication-node">
          Reads from the {data.node}
        </span>
      </div>
      {!data.configured ? (
        <p className="muted" style={{ margin: 0 }}>
          No replica is set up (DATABASE_REPLICA_URL is not set): every read goes to the primary.
        </p>
      ) : (
        <>
          <dl className={styles.replicaFacts}>
            <dt>Replica</dt>
            <dd data-testid="replication-connected">{data.lagMs === null ? 'not answering' : 'connected'}</dd>
            <dt>Replay lag</dt>
            <dd data-testid="replication-lag">
              {data.lagMs === null ? '—' : `${(data.lagMs / 1000).toFixed(1)} s`}
              {data.lagBytes !== null && data.lagMs !== null ? ` · ${formatBytes(data.lagBytes)} of WAL behind` : ''}
            </dd>
            <dt>Limit</dt>
            <dd>{data.maxLagMs === null ? '—' : `${(data.maxLagMs / 1000).toFixed(1)} s (REPLICA_MAX_LAG_MS)`}</dd>
          </dl>
          {lagging && (
            <p role="status" className={styles.replicaWarning} data-testid="replication-fallback">
              Reads fall back to the primary: {data.reason}. They return to the replica once it catches up.
            </p>
          )}
        </>
      )}
    </section>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
