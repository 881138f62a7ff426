'use client';

import { useMutation, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import type { BackendAction } from '@/lib/contract/database';
import styles from './database.module.css';
import { type ActivitySession, formatSeconds, formatUtc } from './format';
import { Problems } from './problems';

const VERB = { cancel: 'Cancel query', terminate: 'End session' } as const;
const EXPLAIN = {
  cancel: 'stops the statement it is running; the session stays connected.',
  terminate: 'closes the connection; its open transaction rolls back.',
} as const;

/** This database's sessions, with cancel/terminate (confirmed first, recorded with who and what). */
export function Activity() {
  const trpc = useTRPC();
  const [pending, setPending] = useState<{ pid: number; action: BackendAction } | null>(null);
  const { data, refetch, isFetching } = useSuspenseQuery({
    ...trpc.database.activity.queryOptions(),
    // Live, but frozen while a confirmation is open so the row does not move under the pointer.
    refetchInterval: pending ? false : 5_000,
  });
  const signal = useMutation(
    trpc.database.signalBackend.mutationOptions({
      onSettled: () => {
        setPending(null);
        void refetch();
      },
    }),
  );
  if (!data.ok) {
    return (
      <section className={`card ${styles.section}`} aria-labelledby="activity-h">
        <h2 id="activity-h">Activity</h2>
        <Problems problems={data.problems} title="Could not read the activity" />
      </section>
    );
  }
  const { sessions, audit } = data.data;
  const busy = sessions.filter((s) => s.state !== 'idle');
  return (
    <section className={`card ${styles.section}`} aria-labelledby="activity-h">
      <div className={styles.sectionHead}>
        <h2 id="activity-h">Activity</h2>
        <span className="muted" style={{ fontSize: '0.85rem' }}>
          {busy.length} busy of {sessions.length} sessions in this database · refreshed every 5 s{isFetching ? ' · reading…' : ''}
        </span>
      </div>
      {signal.error && (
        <div className="notice" role="alert">
          {signal.error.message}
        </div>
      )}
      {signal.data && (
        <div className="notice" role="status">
          {signal.data.succeeded ? 'Done' : `Not done: ${signal.data.detail}`} (recorded as action #{signal.data.auditId}).
        </div>
      )}
      <div className="table-wrap">
        <table className={`table ${styles.stackTable}`}>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">State</th>
              <th scope="col" className="num">
                Running
              </th>
              <th scope="col">Query</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {busy.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No query is running or waiting right now ({sessions.length} idle sessions).
                </td>
              </tr>
            )}
            {busy.map((s) => (
              <SessionRow
                key={s.pid}
                session={s}
                pending={pending?.pid === s.pid ? pending.action : null}
                disabled={signal.isPending}
                onAsk={(action) => setPending({ pid: s.pid, action })}
                onConfirm={() => pending && signal.mutate(pending)}
                onDismiss={() => setPending(null)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <details className={styles.details}>
        <summary>Recent cancel / end actions ({audit.length})</summary>
        {audit.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ul className={styles.checkList}>
            {audit.map((a) => (
              <li key={a.id}>
                {formatUtc(a.at)} · <strong>{a.actorEmail}</strong> · {VERB[a.action].toLowerCase()} pid {a.pid} ({a.application ?? '?'}){' '}
                {a.succeeded ? '' : `· failed: ${a.detail}`}
                <div className={styles.sessionQuery}>{a.query}</div>
              </li>
            ))}
          </ul>
        )}
      </details>
    </section>
  );
}

function SessionRow(props: {
  session: ActivitySession;
  pending: BackendAction | null;
  disabled: boolean;
  onAsk(action: BackendAction): void;
  onConfirm(): void;
  onDismiss(): void;
}) {
  const { session: s, pending } = props;
  return (
    <tr>
      <td data-label="Session">
        <strong>pid {s.pid}</strong>
        <div className="muted" style={{ fontSize: '0.8rem' }}>
          {s.application}
          {s.user ? ` · ${s.user}` : ''}
        </div>
      </td>
      <td data-label="State">
        {s.state ?? '—'}
        {s.waitEvent && (
          <div className="muted" style={{ fontSize: '0.8rem' }}>
            waits: {s.waitEventType}/{s.waitEvent}
          </div>
        )}
      </td>
      <td className="num" data-label="Running">
        {formatSeconds(s.state === 'active' ? s.querySeconds : s.transactionSeconds)}
      </td>
      <td data-wide data-label="Query">
        <div className={styles.sessionQuery}>{s.query}</div>
      </td>
      <td data-wide data-label="Action">
        {pending ? (
          <div className={styles.actions} role="group" aria-label={`Confirm for pid ${s.pid}`}>
            <span>
              {VERB[pending]} of pid {s.pid}: {EXPLAIN[pending]}
            </span>
            <button type="button" className={`btn ${styles.btnDanger}`} onClick={props.onConfirm} disabled={props.disabled}>
              Yes, {VERB[pending].toLowerCase()}
            </button>
            <button type="button" className="btn" onClick={props.onDismiss}>
              Keep it
            </button>
          </div>
        ) : (
          <div className={styles.actions}>
            <button type="button" className="btn" onClick={() => props.onAsk('cancel')} disabled={props.disabled || s.state !== 'active'}>
              Cancel query
            </button>
            <button
              type="button"
              className={`btn ${styles.btnDanger}`}
              onClick={() => props.onAsk('terminate')}
              disabled={props.disabled || s.ownApplication}
              title={s.ownApplication ? "One of this dashboard's own connections" : undefined}
            >
              End session
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
