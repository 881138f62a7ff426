import { describe, expect, it } from 'vitest';
import { centsToDollars, costCsv, csvFileName, wholeCents } from './csv';

describe('costCsv', () => {
  const days = ['2025-11-19', '2025-11-20'];
  const services = [
    { service: 'openai', costCents: 123456.7891, calls: 10, units: 4000, share: 0.75, daily: [100000.5, 23456.2891] },
    { service: 'sms, intl', costCents: 41152.263, calls: 3, units: 3, share: 0.25, daily: [0, 41152.263] },
  ];

  it('has the table columns, one column per day, and a total row, as shown on screen', () => {
    const csv = costCsv(days, services);
    expect(csv.split('\r\n')).toEqual([
      'service,cost_usd,calls,units,unit,share_of_total,2025-11-19_usd,2025-11-20_usd',
      'openai,1234.57,10,4000,tokens,75.0%,1000.01,234.56',
      '"sms, intl",411.52,3,3,units,25.0%,0.00,411.52',
      'Total,1646.09,13,,,100.0%,1000.01,646.08', // 234.56 + 411.52: the column adds up
      '',
    ]);
  });

  it('holds only the services it is given (hidden ones are left out by the caller)', () => {
    const csv = costCsv(days, [services[1]!]);
    expect(csv).not.toContain('openai');
    expect(csv.split('\r\n')[2]).toBe('Total,411.52,3,,,25.0%,0.00,411.52');
  });

  it('every cell is whole cents and they add up exactly: rows to their cost, columns to the Total row', () => {
    // Half-cent cells: rounding each one on its own gives 0.01 x 4 = 0.04 for a row worth 0.02.
    const rng = mulberry(7);
    const many = Array.from({ length: 6 }, (_, k) => ({
      service: `s${k}`,
      costCents: 0,
      calls: 1,
      units: 1,
      share: 1 / 6,
      daily: Array.from({ length: 30 }, () => (rng() < 0.2 ? 0.5 : Math.round(rng() * 1e8) / 1e4)),
    }));
    for (const s of many) s.costCents = s.daily.reduce((a, v) => a + Math.round(v * 1e4), 0) / 1e4;
    const d30 = Array.from({ length: 30 }, (_, i) => `2025-11-${String(i + 1).padStart(2, '0')}`);
    const lines = costCsv(d30, many)
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','));
    const cents = (v: string) => {
      expect(v).toMatch(/^\d+\.\d\d$/);
      return Math.round(Number(v) * 100);
    };
    const body = lines.slice(0, -1);
    const total = lines.at(-1)!;
    for (const [k, row] of body.entries()) {
      const cells = row.slice(6).map(cents);
      expect(cells.reduce((a, c) => a + c, 0)).toBe(cents(row[1]!));
      // A row's cost is its exact total rounded to the cent.
      expect(cents(row[1]!)).toBe(Math.round(many[k]!.costCents));
    }
    for (let i = 0; i < 30; i++) expect(body.reduce((a, r) => a + cents(r[6 + i]!), 0)).toBe(cents(total[6 + i]!));
    expect(body.reduce((a, r) => a + cents(r[1]!), 0)).toBe(cents(total[1]!));
  });

  it('wholeCents hands the missing cents to the largest remainders', () => {
    expect(wholeCents([0.5, 0.5, 0.5, 0.5])).toEqual([1, 1, 0, 0]);
    expect(wholeCents([0.4, 0.4, 0.4])).toEqual([1, 0, 0]);
    expect(wholeCents([100.2, 0.7, 0])).toEqual([100, 1, 0]);
    expect(centsToDollars(123456)).toBe('1234.56');
    expect(centsToDollars(5)).toBe('0.05');
  });

  it('names the file after the range and the zone', () => {
    expect(csvFileName('2025-10-22', '2025-11-20', 'America/Chicago')).toBe('api-costs_2025-10-22_to_2025-11-20_America-Chicago.csv');
  });
});

function mulberry(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
