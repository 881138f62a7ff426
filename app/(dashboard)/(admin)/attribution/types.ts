import type { inferRouterOutputs } from '@trpc/server';
import type { FunnelStep } from '@/lib/contract/attribution';
import type { AppRouter } from '@/server/root';

export type Funnel = inferRouterOutputs<AppRouter>['attribution']['funnel'];
export type FunnelRow = Funnel['rows'][number];
export type FunnelTotals = Funnel['totals'];
export type StepKey = FunnelStep;

export const STEPS: ReadonlyArray<{ key: StepKey; label: string; short: string }> = [
  { key: 'visitors', label: 'Visitors', short: 'Visitors' },
  { key: 'firstMessage', label: 'First message', short: 'Messaged' },
  { key: 'identityLinked', label: 'Identity linked', short: 'Linked' },
  { key: 'bookingMade', label: 'Booking made', short: 'Booked' },
  { key: 'jobCompleted', label: 'Job completed', short: 'Completed' },
];
