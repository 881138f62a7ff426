'use client';

import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import { formatDateTime, STATUS_BADGE, STATUS_ICON } from './format';
import styles from './webhooks.module.css';

const KIND_LABEL = { error: 'Error', lease_expired: 'Lease expired', replay: 'Replayed' } as const;

/** One event: its state, payload and error history, and replay when it failed or died. */
export function EventDetail({ id, timeZone, onClose }: { id: number; timeZone: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: event } = useSuspenseQuery(trpc.webhooks.byId.queryOptions({ id }));
  const replay = useMutation(
    trpc.webhooks.replay.mutationOptions({
      // The event, the list and the counts all changed.
      onSuccess: () => queryClient.invalidateQueries(trpc.webhooks.pathFilter()),
    }),
  );
  const replayable = event.status === 'failed' || event.status === 'dead';
  const when = (d: Date | null) => (d ? formatDateTime(d, timeZone) : '—');

  return (
    <div className="stack">
      <div className={styles.detailHead}>
        <h2 style={{ margin: 0 }}>
          Event #{event.id} <span className="mono" style={{ fontWeight: 400 }}>{event.eventType}</span>
        </h2>
        <button className="btn" type="button" onClick={onClose} aria-label="Close event details">
          ✕ Close
        </button>
      </div>

      <dl className={styles.facts}>
        <dt>Status</dt>
        <dd>
          <span className={STATUS_BADGE[event.status]}>
            <span aria-hidden="true">{STATUS_ICON[event.status]}</span> {event.status}
          </span>
        </dd>
        <dt>Attempts</dt>
        <dd>{event.attempts}</dd>
        <dt>Received</dt>
        <dd>{when(event.receivedAt)}</dd>
        <dt>{event.status === 'processing' ? 'Lease ends' : 'Next attempt'}</dt>
        <dd>{event.status === 'pending' || event.status === 'failed' || event.status === 'processing' ? when(event.nextAttemptAt) : '—'}</dd>
        <dt>Processed</dt>
        <dd>{when(event.processedAt)}</dd>
        <dt>Provider id</dt>
        <dd className="mono" style={{ wordBreak: 'break-all' }}>
          {event.provider} · {event.providerEventId}
        </dd>
      </dl>

      {replayable && (
        <div className={styles.replay}>
          <button
            className="btn btn-primary"
            type="button"
            disabled={replay.isPending}
            onClick={() => replay.mutate({ id: event.id })}
          >
            {replay.isPending ? 'Replaying…' : '↻ Replay now'}
          </button>
          <span className="muted" style={{ fontSize: '0.85rem' }}>
            Puts it back in the queue, due now, with its attempt count reset to 0.
          </span>
        </div>
      )}
      <div aria-live="polite">
        {replay.isSuccess && <p className={styles.ok}>✓ Queued again: a worker will pick it up within seconds.</p>}
        {replay.isError && (
          <p className="error-box" role="alert" style={{ textAlign: 'left', padding: '0.6rem 0.8rem' }}>
            ⚠ {replay.error.message}
          </p>
        )}
      </div>

      <section aria-labelledby={`errors-${event.id}`}>
        <h3 id={`errors-${event.id}`} className={styles.h3}>
          Error history ({event.errors.length})
        </h3>
        {event.errors.length === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            No errors.
          </p>
        ) : (
          <ol className={styles.errors}>
            {[...event.errors].reverse().map((e, i) => (
              <li key={`${e.at}-${i}`} className={e.kind === 'replay' ? styles.replayEntry : undefined}>
                <div className={styles.errorMeta}>
                  <span className={e.kind === 'error' ? 'badge badge-danger' : e.kind === 'replay' ? 'badge' : 'badge badge-warn'}>
                    {KIND_LABEL[e.kind] ?? e.kind}
                  </span>
                  <span>attempt {e.attempt}</span>
                  <span className="muted">{formatDateTime(new Date(e.at), timeZone)}</span>
                </div>
                <div className={`mono ${styles.errorText}`}>{e.message}</div>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby={`payload-${event.id}`}>
        <h3 id={`payload-${event.id}`} className={styles.h3}>
          Payload
        </h3>
        <pre className={styles.payload} tabIndex={0} aria-label="Event payload, JSON">
          {JSON.stringify(event.payload, null, 2)}
        </pre>
      </section>
    </div>
  );
}
