'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import { REJECTION_REASON_LABEL } from '@/lib/contract/webhooks';
import { formatDateTime } from './format';
import styles from './webhooks.module.css';

const LATEST = { limit: 20 } as const;

/** The warning an admin needs first: real deliveries are being refused for their signature. */
export function SecretWarning() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery({ ...trpc.webhooks.rejections.queryOptions(LATEST), refetchInterval: 30_000 });
  const n = data.counts.find((c) => c.reason === 'bad_signature')?.lastHour ?? 0;
  if (n === 0) return null;
  return (
    <div className="error-box" role="alert" style={{ textAlign: 'left' }}>
      <strong>
        ⚠ {n.toLocaleString('en-US')} {n === 1 ? 'delivery' : 'deliveries'} rejected for bad signature in the last hour: is the secret
        right?
      </strong>
      <div>
        If HOUSECALLPRO_WEBHOOK_SECRET differs from the secret set in HousecallPro, every real delivery is refused.{' '}
        <a href="#rejected-heading">See the rejected deliveries</a>.
      </div>
    </div>
  );
}

/** Refused deliveries: counts by reason, and the latest ones (capped per minute on the server). */
export function Rejections({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery({ ...trpc.webhooks.rejections.queryOptions(LATEST), refetchInterval: 30_000 });
  return (
    <section className="card stack" aria-labelledby="rejected-heading">
      <div>
        <h2 id="rejected-heading" style={{ margin: 0 }}>
          Rejected deliveries
        </h2>
        <p className="muted" style={{ margin: 0, fontSize: '0.85rem' }}>
          Requests the receiver refused, never stored as events. Only a SHA-256 of each body is kept; details are capped per minute and kept
          14 days, counts are exact.
        </p>
      </div>
      <div className={styles.reasons}>
        {data.counts.map((c) => (
          <div key={c.reason} className={`card ${styles.stat}`}>
            <span className="stat-label">{REJECTION_REASON_LABEL[c.reason]}</span>
            <span className={`stat-value ${c.lastHour > 0 ? styles.danger : ''}`}>{c.lastHour.toLocaleString('en-US')}</span>
            <span className="muted" style={{ fontSize: '0.8rem' }}>
              last hour · {c.lastDay.toLocaleString('en-US')} in 24 h
            </span>
          </div>
        ))}
      </div>
      {data.latest.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          No delivery has been refused.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Latest rejected deliveries">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Reason</th>
                <th scope="col">Detail</th>
                <th scope="col" className={styles.optional}>
                  From
                </th>
                <th scope="col" className={styles.optional}>
                  Body
                </th>
              </tr>
            </thead>
            <tbody>
              {data.latest.map((r) => (
                <tr key={r.id}>
                  <td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.receivedAt, timeZone)}</td>
                  <td>
                    <span className={r.reason === 'bad_signature' ? 'badge badge-danger' : 'badge badge-warn'}>
                      {REJECTION_REASON_LABEL[r.reason]}
                    </span>
                  </td>
                  <td style={{ fontSize: '0.85rem' }}>{r.detail}</td>
                  <td className={`mono ${styles.optional}`}>{r.sourceIp ?? '—'}</td>
                  <td className={`mono ${styles.optional}`} title={r.bodySha256 ?? undefined} style={{ fontSize: '0.8rem' }}>
                    {r.bodyBytes.toLocaleString('en-US')} B{r.bodySha256 ? ` · ${r.bodySha256.slice(0, 12)}…` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
