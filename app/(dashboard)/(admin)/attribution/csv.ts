import { csvDocument } from '@/lib/csv';
import type { FunnelRow, FunnelTotals } from './types';

const rate = (r: number | null) => (r === null ? '' : r.toFixed(4));

export function funnelCsv(rows: FunnelRow[], totals: FunnelTotals, range: { from: string; to: string }): string {
  const header = [
    'source',
    'medium',
    'campaign',
    'visitors',
    'first_message',
    'identity_linked',
    'booking_made',
    'job_completed',
    'rate_first_message',
    'rate_identity_linked',
    'rate_booking_made',
    'rate_job_completed',
    'revenue_usd',
    'from',
    'to',
  ];
  const line = (r: FunnelTotals & { source: string; medium: string | null; campaign: string | null }) => [
    r.source,
    r.medium,
    r.campaign,
    r.visitors,
    r.firstMessage,
    r.identityLinked,
    r.bookingMade,
    r.jobCompleted,
    rate(r.rates.firstMessage),
    rate(r.rates.identityLinked),
    rate(r.rates.bookingMade),
    rate(r.rates.jobCompleted),
    (r.revenueCents / 100).toFixed(2),
    range.from,
    range.to,
  ];
  return csvDocument([header, ...rows.map(line), line({ ...totals, source: '(all)', medium: null, campaign: null })]);
}
