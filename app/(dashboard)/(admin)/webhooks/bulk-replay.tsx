'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { type BulkFilter, REPLAYABLE_STATUSES, type ReplayableStatus } from '@/lib/contract/webhooks';
import { EventTypeField } from './event-type-field';
import { formatDateTime, fromZonedInput } from './format';
import styles from './webhooks.module.css';

interface Draft {
  statuses: ReplayableStatus[];
  eventType: string;
  errorContains: string;
  from: string;
  to: string;
}

function toFilter(d: Draft, timeZone: string): BulkFilter {
  return {
    statuses: d.statuses,
    eventType: d.eventType || null,
    errorContains: d.errorContains.trim() || null,
    from: fromZonedInput(d.from, timeZone),
    to: fromZonedInput(d.to, timeZone),
  };
}

function describe(f: BulkFilter, timeZone: string): string {
  const parts = [f.statuses.join(' + ')];
  if (f.eventType) parts.push(`type ${f.eventType}`);
  if (f.errorContains) parts.push(`error contains “${f.errorContains}”`);
  if (f.from) parts.push(`from ${formatDateTime(f.from, timeZone)}`);
  if (f.to) parts.push(`to ${formatDateTime(f.to, timeZone)}`);
  return parts.join(', ');
}

/**
 * Bulk replay: a filter, a dry-run count, then one confirmed run (queued in short batches on the
 * server, audited with who and which filter), with its progress and a cancel; below, the log.
 */
export function BulkReplay({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>({ statuses: ['dead'], eventType: '', errorContains: '', from: '', to: '' });
  // The filter the admin asked to count; editing the form clears it, so the count shown is always
  // the count of what the confirm button will run.
  const [counted, setCounted] = useState<BulkFilter | null>(null);
  const edit = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setCounted(null);
  };
  const dryRun = useQuery({ ...trpc.webhooks.bulkReplayDryRun.queryOptions(counted!), enabled: counted !== null, staleTime: 0 });
  const start = useMutation(
    trpc.webhooks.bulkReplayStart.mutationOptions({
      onSettled: () => {
        setCounted(null);
        void queryClient.invalidateQueries(trpc.webhooks.pathFilter());
      },
    }),
  );
  const cancel = useMutation(
    trpc.webhooks.bulkReplayCancel.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.webhooks.replayJobs.pathFilter()),
    }),
  );
  const jobs = useQuery({
    ...trpc.webhooks.replayJobs.queryOptions(),
    refetchInterval: (q) => (start.isPending || q.state.data?.some((j) => j.status === 'running') ? 1000 : false),
  });
  const running = jobs.data?.filter((j) => j.status === 'running') ?? [];
  // Open by the admin, and always while a replay runs (its progress and Cancel live inside).
  const [open, setOpen] = useState(false);

  return (
    <section className="card" aria-labelledby="bulk-heading">
      <details className={styles.bulk} open={open || start.isPending || running.length > 0} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <h2 id="bulk-heading" style={{ display: 'inline', fontSize: '1.05rem' }}>
            Bulk replay
          </h2>{' '}
          <span className="muted" style={{ fontWeight: 400, fontSize: '0.85rem' }}>
            after an outage: put every failed or dead event matching a filter back in the queue
          </span>
        </summary>
        <form
          className={styles.filters}
          aria-label="Bulk replay filter"
          onSubmit={(e) => {
            e.preventDefault();
            setCounted(toFilter(draft, timeZone));
          }}
        >
          <fieldset className={styles.checks} style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="sr-only">Statuses</legend>
            {REPLAYABLE_STATUSES.map((s) => (
              <label key={s}>
                <input
                  type="checkbox"
                  checked={draft.statuses.includes(s)}
                  onChange={(e) => edit({ statuses: e.target.checked ? [...draft.statuses, s] : draft.statuses.filter((x) => x !== s) })}
                />{' '}
                {s}
              </label>
            ))}
          </fieldset>
          <EventTypeField value={draft.eventType || null} onChange={(eventType) => edit({ eventType: eventType ?? '' })} />
          <label className={styles.field}>
            Error contains
            <input
              className="input"
              value={draft.errorContains}
              maxLength={200}
              placeholder="e.g. ETIMEDOUT"
              onChange={(e) => edit({ errorContains: e.target.value })}
            />
          </label>
          <label className={styles.field}>
            Received from
            <input className="input" type="datetime-local" value={draft.from} onChange={(e) => edit({ from: e.target.value })} />
          </label>
          <label className={styles.field}>
            to
            <input className="input" type="datetime-local" value={draft.to} onChange={(e) => edit({ to: e.target.value })} />
          </label>
          <button className="btn" type="submit" disabled={draft.statuses.length === 0 || start.isPending}>
            Count events
          </button>
        </form>

        <div aria-live="polite">
          {counted && dryRun.isPending && <p className="muted">Counting…</p>}
          {counted && dryRun.isError && (
            <p className="error-box" role="alert">
              ⚠ {dryRun.error.message}
            </p>
          )}
          {counted && dryRun.data && (
            <div className="row" style={{ gap: '0.75rem', flexWrap: 'wrap' }}>
              <strong data-testid="bulk-count">
                {dryRun.data.count.toLocaleString('en-US')} event{dryRun.data.count === 1 ? '' : 's'} match
              </strong>
              <span className="muted">{describe(counted, timeZone)}</span>
              {dryRun.data.count > 0 && (
                <button
                  className="btn btn-primary"
                  type="button"
                  disabled={start.isPending}
                  onClick={() => start.mutate({ filter: counted, upToId: dryRun.data.upToId, expected: dryRun.data.count })}
                >
                  ↻ Replay {dryRun.data.count.toLocaleString('en-US')} events
                </button>
              )}
            </div>
          )}
          {start.isError && (
            <p className="error-box" role="alert">
              ⚠ {start.error.message}
            </p>
          )}
          {start.data && (
            <p className={styles.ok}>
              ✓ Bulk replay #{start.data.id} {start.data.status}: {start.data.queued.toLocaleString('en-US')} of{' '}
              {start.data.expected.toLocaleString('en-US')} queued.
            </p>
          )}
          {running.map((j) => (
            <div key={j.id} className="row" style={{ gap: '0.75rem', flexWrap: 'wrap' }}>
              <span>Bulk replay #{j.id} running:</span>
              <progress
                className={styles.progress}
                max={Math.max(1, j.expected)}
                value={j.queued}
                aria-label={`Bulk replay ${j.id} progress`}
              />
              <span>
                {j.queued.toLocaleString('en-US')} / {j.expected.toLocaleString('en-US')}
              </span>
              <button className="btn" type="button" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: j.id })}>
                Cancel
              </button>
            </div>
          ))}
        </div>

        {jobs.data && jobs.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" aria-label="Bulk replay log">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">By</th>
                  <th scope="col">Filter</th>
                  <th scope="col" className="num">
                    Queued
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {jobs.data.map((j) => (
                  <tr key={j.id}>
                    <td>{j.id}</td>
                    <td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(j.createdAt, timeZone)}</td>
                    <td>{j.createdBy}</td>
                    <td style={{ fontSize: '0.85rem' }}>{describe(j.filter, timeZone)}</td>
                    <td className="num">
                      {j.queued.toLocaleString('en-US')} / {j.expected.toLocaleString('en-US')}
                    </td>
                    <td>
                      {j.status}
                      {j.cancelledBy ? ` by ${j.cancelledBy}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </details>
    </section>
  );
}
