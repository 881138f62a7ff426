'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/app/_trpc/client';
import { TOTAL_BUDGET } from '@/lib/contract/analytics';

/**
 * The dashboard's budget banner (admins): this month's crossed levels and today's spikes. Fetched
 * after the page (it must never hold a page up) and refreshed every few minutes.
 */
export function CostAlertBanner() {
  const trpc = useTRPC();
  const { data } = useQuery({ ...trpc.analytics.activeAlerts.queryOptions(), refetchInterval: 300_000 });
  if (!data?.length) return null;
  const worst = data.some((a) => a.level === 'alert') ? 'error-box' : 'notice';
  const text = data
    .map(
      (a) =>
        `${a.service === TOTAL_BUDGET ? 'all services' : a.service}: ${a.level === 'alert' ? 'over budget' : a.level === 'spike' ? `spike on ${a.period}` : 'past the warning level'}`,
    )
    .join(' · ');
  return (
    <div
      className={worst}
      role="status"
      data-testid="cost-alert-banner"
      style={{ margin: '0 0 1rem', padding: '0.6rem 0.8rem', textAlign: 'left' }}
    >
      <strong>API spend: </strong>
      {text}. <Link href="/analytics#budgets">See budgets</Link>
    </div>
  );
}
