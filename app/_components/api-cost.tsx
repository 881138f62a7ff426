'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * "API cost, 30 days: $12.34" for the customer card and the thread header (issues 19 and 18 own
 * those; this is mounted there with one line). Admin data: for staff the procedure answers
 * FORBIDDEN and this renders nothing. Fetched after the page, never holding it up.
 */
function Cost({ cents, title }: { cents: number | undefined; title: string }) {
  if (cents === undefined) return null;
  return (
    <span className="muted" data-testid="api-cost-30d" title={title}>
      API cost, last 30 days: {cents > 0 && cents < 0.5 ? '< $0.01' : usd.format(cents / 100)}
    </span>
  );
}

export function CustomerApiCost({ customerId }: { customerId: number }) {
  const trpc = useTRPC();
  const { data } = useQuery({ ...trpc.analytics.customerCost.queryOptions({ customerId }), retry: false });
  return <Cost cents={data?.costCents} title={data ? `All their conversations, ${data.from} to ${data.to} (complete days)` : ''} />;
}

export function ThreadApiCost({ threadId }: { threadId: string }) {
  const trpc = useTRPC();
  const { data } = useQuery({ ...trpc.analytics.threadCost.queryOptions({ threadId }), retry: false });
  return <Cost cents={data?.costCents} title={data ? `${data.from} to ${data.to} (complete days)` : ''} />;
}
