import { serviceUnit } from '@/lib/contract/analytics';
import { csvDocument } from '@/lib/csv';
import { formatPercent } from './format';

export interface CsvService {
  service: string;
  costCents: number;
  calls: number;
  units: number;
  share: number;
  daily: readonly number[];
}

/**
 * Whole cents for a row of fractional-cent cells that add up exactly to the row's own total
 * rounded to the cent (largest remainder: each cell is rounded down, and the cents still missing
 * go to the cells that lost most). Amounts are numeric(14,4) cents, so they are handled as integer
 * 1/10,000 cents and no float is ever added up.
 */
export function wholeCents(cells: readonly number[]): number[] {
  const units = cells.map((c) => Math.round(c * 10_000));
  const total = units.reduce((a, u) => a + u, 0);
  const target = Math.floor((total + 5_000) / 10_000);
  const floors = units.map((u) => Math.floor(u / 10_000));
  let missing = target - floors.reduce((a, f) => a + f, 0);
  const order = units.map((u, i) => [u - floors[i]! * 10_000, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (missing <= 0) break;
    floors[i]! += 1;
    missing--;
  }
  return floors;
}

/** Integer cents as dollars, formatted last: 123456 -> "1234.56". */
export function centsToDollars(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * The visible services as the page shows them: cost, calls, units with their name, share, and one
 * column per complete day. Every money cell is a whole number of cents, and the cells add up
 * exactly in a spreadsheet: a row's cost is the sum of its days, the Total row is the sum of the
 * rows, column by column (each row's cost is its exact total rounded to the cent).
 */
export function costCsv(days: readonly string[], services: readonly CsvService[]): string {
  const header = ['service', 'cost_usd', 'calls', 'units', 'unit', 'share_of_total', ...days.map((d) => `${d}_usd`)];
  const rows = services.map((s) => {
    const cells = wholeCents(days.map((_, i) => s.daily[i] ?? 0));
    return { s, cells, cost: cells.reduce((a, c) => a + c, 0) };
  });
  const lines = rows.map(({ s, cells, cost }) => [
    s.service,
    centsToDollars(cost),
    s.calls,
    s.units,
    serviceUnit(s.service),
    formatPercent(s.share),
    ...cells.map(centsToDollars),
  ]);
  const columnTotals = days.map((_, i) => rows.reduce((a, r) => a + r.cells[i]!, 0));
  const total = [
    'Total',
    centsToDollars(rows.reduce((a, r) => a + r.cost, 0)),
    services.reduce((a, s) => a + s.calls, 0),
    // Units of different services count different things: not added up.
    '',
    '',
    formatPercent(services.reduce((a, s) => a + s.share, 0)),
    ...columnTotals.map(centsToDollars),
  ];
  return csvDocument([header, ...lines, total]);
}

/** "api-costs_2025-10-22_to_2025-11-20_America-Chicago.csv" */
export function csvFileName(from: string, to: string, timeZone: string): string {
  return `api-costs_${from}_to_${to}_${timeZone.replace(/[^A-Za-z0-9]+/g, '-')}.csv`;
}
