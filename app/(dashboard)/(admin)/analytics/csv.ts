import { csvDocument } from '@/lib/csv';
import { dollars, formatPercent } from './format';

export interface CsvService {
  service: string;
  costCents: number;
  calls: number;
  units: number;
  share: number;
  daily: readonly number[];
}

/**
 * Exactly what the page shows for the visible services: the table's columns (cost in dollars as
 * displayed, calls, units, share of the period's total as displayed) and then the chart's bars,
 * one column per business day. The last row totals the visible services.
 */
export function costCsv(days: readonly string[], services: readonly CsvService[]): string {
  const header = ['service', 'cost_usd', 'calls', 'units', 'share_of_total', ...days.map((d) => `${d}_usd`)];
  const line = (s: { service: string; costCents: number; calls: number; units: number; share: string; daily: readonly number[] }) =>
    [s.service, dollars(s.costCents), s.calls, s.units, s.share, ...days.map((_, i) => dollars(s.daily[i] ?? 0))];
  const total = {
    service: 'Total',
    costCents: services.reduce((a, s) => a + s.costCents, 0),
    calls: services.reduce((a, s) => a + s.calls, 0),
    units: services.reduce((a, s) => a + s.units, 0),
    share: formatPercent(services.reduce((a, s) => a + s.share, 0)),
    daily: days.map((_, i) => services.reduce((a, s) => a + (s.daily[i] ?? 0), 0)),
  };
  return csvDocument([header, ...services.map((s) => line({ ...s, share: formatPercent(s.share) })), line(total)]);
}

/** "api-costs_2025-10-22_to_2025-11-20_America-Chicago.csv" */
export function csvFileName(from: string, to: string, timeZone: string): string {
  return `api-costs_${from}_to_${to}_${timeZone.replace(/[^A-Za-z0-9]+/g, '-')}.csv`;
}
