'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, Skeleton } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { formatDateTime, STATUS_BADGE, STATUS_ICON } from './format';
import styles from './webhooks.module.css';

const KIND_LABEL = { error: 'Error', lease_expired: 'Lease expired', replay: 'Replayed' } as const;

/**
 * One event: its state, full last error, attempt history and payload, and replay when it failed or
 * died. Read with useQuery rather than suspense so a missing id is a plain "not found" here (see
 * page.tsx), and polled while the event is in the queue so a replay's outcome shows as it happens.
 */
export function EventDetail({ id, timeZone, onClose }: { id: number; timeZone: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery({
    ...trpc.webhooks.byId.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data && ['pending', 'processing'].includes(q.state.data.status) ? 2000 : false),
  });
  // Set when this panel replayed the event: its message then follows the event's real state.
  const [replayedAt, setReplayedAt] = useState<number | null>(null);
  const replay = useMutation(
    trpc.webhooks.replay.mutationOptions({
      onSuccess: () => {
        setReplayedAt(Date.now());
        // The event, the list and the counts all changed.
        void queryClient.invalidateQueries(trpc.webhooks.pathFilter());
      },
    }),
  );
  const close = (
    <button className="btn" type="button" onClick={onClose} aria-label="Close event details">
      ✕ Close
    </button>
  );
  if (query.isPending) return <Skeleton rows={10} height={20} label="Loading the event" />;
  if (query.isError) {
    const notFound = query.error.data?.code === 'NOT_FOUND';
    return (
      <div className="stack">
        <div className={styles.detailHead}>
          <h2 style={{ margin: 0 }}>Event #{id}</h2>
          {close}
        </div>
        {notFound ? (
          <div className="error-box" role="alert">
            <strong>Not found</strong>
            <div style={{ marginTop: '0.25rem' }}>
              There is no webhook event #{id}. It may have been mistyped, or belong to another database.
            </div>
          </div>
        ) : (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        )}
      </div>
    );
  }
  const event = query.data;
  const replayable = event.status === 'failed' || event.status === 'dead';
  const when = (d: Date | null) => (d ? formatDateTime(d, timeZone) : '—');

  return (
    <div className="stack">
      <div className={styles.detailHead}>
        <h2 style={{ margin: 0 }}>
          Event #{event.id}{' '}
          <span className="mono" style={{ fontWeight: 400 }}>
            {event.eventType}
          </span>
        </h2>
        {close}
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
        <dd>
          {event.status === 'pending' || event.status === 'failed' || event.status === 'processing' ? when(event.nextAttemptAt) : '—'}
        </dd>
        <dt>Processed</dt>
        <dd>{when(event.processedAt)}</dd>
        {event.replayedAt && (
          <>
            <dt>Last replayed</dt>
            <dd>{when(event.replayedAt)}</dd>
          </>
        )}
        <dt>Provider id</dt>
        <dd className="mono" style={{ wordBreak: 'break-all' }}>
          {event.provider} · {event.providerEventId}
        </dd>
      </dl>

      {replayable && (
        <div className={styles.replay}>
          <button className="btn btn-primary" type="button" disabled={replay.isPending} onClick={() => replay.mutate({ id: event.id })}>
            {replay.isPending ? 'Replaying…' : '↻ Replay now'}
          </button>
          <span className="muted" style={{ fontSize: '0.85rem' }}>
            Puts it back in the queue, due now, with its attempt count reset to 0.
          </span>
        </div>
      )}
      <div aria-live="polite">
        {replayedAt !== null && !replay.isPending && <ReplayOutcome status={event.status} />}
        {replay.isError && (
          <p className="error-box" role="alert" style={{ textAlign: 'left', padding: '0.6rem 0.8rem' }}>
            ⚠ {replay.error.message}
          </p>
        )}
      </div>

      {event.lastError && (
        <section aria-labelledby={`last-error-${event.id}`}>
          <h3 id={`last-error-${event.id}`} className={styles.h3}>
            Last error
          </h3>
          <pre className={`${styles.payload} ${styles.fullError}`} tabIndex={0} data-testid="last-error">
            {event.lastError}
          </pre>
        </section>
      )}

      <section aria-labelledby={`errors-${event.id}`}>
        <h3 id={`errors-${event.id}`} className={styles.h3}>
          Attempt history ({event.errors.length})
        </h3>
        {event.unrecordedFailures > 0 && (
          <p className="muted" style={{ margin: '0 0 0.5rem', fontSize: '0.85rem' }}>
            {event.unrecordedFailures} failed attempt{event.unrecordedFailures === 1 ? '' : 's'} before the history was kept: only the last
            error (above) was stored.
          </p>
        )}
        {event.errors.length === 0 ? (
          event.unrecordedFailures === 0 && (
            <p className="muted" style={{ margin: 0 }}>
              No failed attempts.
            </p>
          )
        ) : (
          <ol className={styles.errors}>
            {[...event.errors].reverse().map((e, i) => (
              <li key={`${e.at}-${i}`} className={e.kind === 'replay' ? styles.replayEntry : undefined}>
                <div className={styles.errorMeta}>
                  <span className={e.kind === 'error' ? 'badge badge-danger' : e.kind === 'replay' ? 'badge' : 'badge badge-warn'}>
                    {KIND_LABEL[e.kind] ?? e.kind}
                  </span>
                  {/* A replay is not an attempt: it happened after attempt n, and reset the count. */}
                  <span>{e.kind === 'replay' ? `after attempt ${e.attempt}` : `attempt ${e.attempt}`}</span>
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

/** What became of a replay, from the event as the database has it now (polled while queued). */
function ReplayOutcome({ status }: { status: string }) {
  if (status === 'pending' || status === 'processing') {
    return (
      <p className="muted" style={{ margin: 0 }}>
        ↻ Queued again: waiting for a worker…
      </p>
    );
  }
  if (status === 'processed') return <p className={styles.ok}>✓ Replayed and processed.</p>;
  return (
    <p className="error-box" role="status" style={{ textAlign: 'left', padding: '0.6rem 0.8rem' }}>
      ✖ The replay failed again ({status}): see the last error below.
    </p>
  );
}
