'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import { TOTAL_BUDGET } from '@/lib/contract/analytics';
import styles from './analytics.module.css';
import { formatMoney } from './format';

const when = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** What fired and when, with each channel's delivery state. */
export function AlertHistory() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.analytics.alerts.queryOptions({ limit: 50 }));
  if (data.length === 0)
    return (
      <p className="muted" style={{ margin: 0 }}>
        No alert has fired yet.
      </p>
    );
  return (
    <div className={`table-wrap ${styles.tableWrap}`} tabIndex={0} role="region" aria-label="Alert history (scrolls sideways)">
      <table className="table" data-testid="alert-history">
        <thead>
          <tr>
            <th scope="col">Fired</th>
            <th scope="col">Budget</th>
            <th scope="col">Level</th>
            <th scope="col">Period</th>
            <th scope="col" className="num">
              Spend
            </th>
            <th scope="col" className="num">
              Threshold
            </th>
            <th scope="col">Delivered</th>
          </tr>
        </thead>
        <tbody>
          {data.map((a) => (
            <tr key={a.id}>
              <td>{when.format(a.firedAt)}</td>
              <td>{a.service === TOTAL_BUDGET ? 'All services' : a.service}</td>
              <td>{a.level}</td>
              <td>{a.period}</td>
              <td className="num">{formatMoney(a.spendCents)}</td>
              <td className="num">{formatMoney(a.thresholdCents)}</td>
              <td>
                {a.deliveries.length === 0
                  ? 'no channel configured'
                  : a.deliveries
                      .map(
                        (d) =>
                          `${d.channel}: ${d.deliveredAt ? 'sent' : d.lastError ? `failed ×${d.attempts} (${d.lastError})` : 'pending'}`,
                      )
                      .join(' · ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
