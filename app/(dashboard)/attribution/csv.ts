import type { FunnelRow, FunnelTotals } from './types';

/**
 * One CSV field. Quoted when it holds a comma, quote or line break. Sources and campaigns come from
 * UTM parameters anyone can put in a link: a value starting with = + - @ (or a tab/CR) would run as a
 * formula in a spreadsheet, so it gets a leading apostrophe (OWASP "CSV injection").
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const rate = (r: number | null) => (r === null ? '' : r.toFixed(4));

export function funnelCsv(rows: FunnelRow[], totals: FunnelTotals, range: { from: string; to: string }): string {
  const header = [
    'source', 'medium', 'campaign', 'visitors', 'first_message', 'identity_linked', 'booking_made', 'job_completed',
    'rate_first_message', 'rate_identity_linked', 'rate_booking_made', 'rate_job_completed', 'revenue_usd', 'from', 'to',
  ];
  const line = (r: FunnelTotals & { source: string; medium: string | null; campaign: string | null }) =>
    [
      r.source, r.medium, r.campaign, r.visitors, r.firstMessage, r.identityLinked, r.bookingMade, r.jobCompleted,
      rate(r.rates.firstMessage), rate(r.rates.identityLinked), rate(r.rates.bookingMade), rate(r.rates.jobCompleted),
      (r.revenueCents / 100).toFixed(2), range.from, range.to,
    ]
      .map(csvField)
      .join(',');
  const all = [header.join(','), ...rows.map(line), line({ ...totals, source: '(all)', medium: null, campaign: null })];
  return `${all.join('\r\n')}\r\n`;
}
