// Formatting for the cost page. Pure, so it is unit-tested and renders the same on the server and
// in the browser. Amounts arrive in cents (fractional: estimated_cost_cents is numeric(14,4)).

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const usdSigned = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', signDisplay: 'exceptZero' });
const usdCompact = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
});
const plain2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });
const percent1 = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const count = new Intl.NumberFormat('en-US');
const dayShort = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayLong = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const monthName = new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' });

/** $1,234.57. A positive amount under half a cent reads "< $0.01", never "$0.00". */
export function formatMoney(cents: number): string {
  if (cents > 0 && cents < 0.5) return '< $0.01';
  return usd.format(cents / 100);
}

/** +$12.30 / -$4.00 / $0.00 */
export function formatMoneySigned(cents: number): string {
  return usdSigned.format(cents / 100);
}

/** Axis ticks: $1.2K. */
export function formatMoneyCompact(cents: number): string {
  return usdCompact.format(cents / 100);
}

/** Dollars as shown on screen, for the CSV: 1234.57 (same rounding as formatMoney, no symbol or grouping). */
export function dollars(cents: number): string {
  return plain2.format(cents / 100);
}

export function formatPercent(share: number): string {
  return percent1.format(share);
}

export function formatCount(n: number): string {
  return count.format(n);
}

/** "2025-11-20" -> "Nov 20" (the string is a calendar day: formatted in UTC so it never shifts). */
export function formatDay(day: string): string {
  return dayShort.format(new Date(`${day}T00:00:00Z`));
}

/** "2025-11-20" -> "Thu, Nov 20, 2025" */
export function formatDayLong(day: string): string {
  return dayLong.format(new Date(`${day}T00:00:00Z`));
}

export function formatMonth(day: string): string {
  return monthName.format(new Date(`${day}T00:00:00Z`));
}

export interface Change {
  direction: 'up' | 'down' | 'flat' | 'new';
  /** ▲ ▼ or – : the direction is never carried by colour alone. */
  arrow: string;
  /** "+12.3%", "-4.0%", "0.0%", "new" */
  percent: string;
  /** "+$45.67" */
  amount: string;
  /** A sentence for screen readers and titles. */
  label: string;
}

/** Change of `current` against `previous` (cents). */
export function describeChange(current: number, previous: number): Change {
  const delta = current - previous;
  const amount = formatMoneySigned(delta);
  if (previous === 0) {
    return current === 0
      ? { direction: 'flat', arrow: '–', percent: '0.0%', amount, label: 'No cost in either period' }
      : {
          direction: 'new',
          arrow: '▲',
          percent: 'new',
          amount,
          label: `Up ${formatMoney(delta)}; nothing was spent in the previous period`,
        };
  }
  const ratio = delta / previous;
  // Rounded to what is shown: a change that displays as 0.0% is flat.
  if (Math.abs(ratio) < 0.0005)
    return { direction: 'flat', arrow: '–', percent: '0.0%', amount, label: 'About the same as the previous period' };
  const pct = `${ratio > 0 ? '+' : '-'}${percent1.format(Math.abs(ratio))}`;
  return ratio > 0
    ? { direction: 'up', arrow: '▲', percent: pct, amount, label: `Up ${percent1.format(ratio)} (${amount}) on the previous period` }
    : { direction: 'down', arrow: '▼', percent: pct, amount, label: `Down ${percent1.format(-ratio)} (${amount}) on the previous period` };
}
