'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/app/_trpc/client';
import styles from './analytics.module.css';
import { formatCount, formatMoney, formatPercent } from './format';

type Row = { id: string; label: string; costCents: number; calls: number; share: number };

/**
 * The customers and the conversations that cost most in the page's window, with their share of
 * all API spend, linked. Loaded after the page (it reads every thread-tagged row of the window).
 */
export function TopSpenders({ days }: { days: number }) {
  const trpc = useTRPC();
  // Not batched: on a range switch it would hold the new range's numbers (costByService, a few ms)
  // until it answered (hundreds of ms under load).
  const { data, isPending, error } = useQuery(
    trpc.analytics.topSpenders.queryOptions({ days, limit: 10 }, { trpc: { context: { skipBatch: true } } }),
  );
  if (error) return <p className="error-box">Could not load the top spenders: {error.message}</p>;
  if (isPending)
    return (
      <p className="muted" style={{ minHeight: '8rem' }}>
        Adding up cost per customer and conversation…
      </p>
    );
  return (
    <div className={styles.spenders}>
      <SpenderTable title="Customers" rows={data.customers} href={(id) => `/bookings?customer=${id}`} testId="top-customers" />
      <SpenderTable title="Conversations" rows={data.threads} href={(id) => `/conversations/${id}`} testId="top-threads" />
    </div>
  );
}

function SpenderTable({ title, rows, href, testId }: { title: string; rows: Row[]; href: (id: string) => string; testId: string }) {
  return (
    <div className={`table-wrap ${styles.tableWrap}`} tabIndex={0} role="region" aria-label={`Top ${title.toLowerCase()} by API cost`}>
      <table className="table" data-testid={testId}>
        <caption className={styles.tableTitle}>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{title === 'Customers' ? 'Customer' : 'Conversation'}</th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Share
            </th>
            <th scope="col" className={`num ${styles.optional}`}>
              Calls
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                None in this range
              </td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row" className={styles.serviceCell}>
                <Link href={href(r.id)}>{r.label}</Link>
              </th>
              <td className="num">{formatMoney(r.costCents)}</td>
              <td className="num">{formatPercent(r.share)}</td>
              <td className={`num ${styles.optional}`}>{formatCount(r.calls)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
