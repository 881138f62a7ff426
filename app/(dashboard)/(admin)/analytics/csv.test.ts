import { describe, expect, it } from 'vitest';
import { costCsv, csvFileName } from './csv';

describe('costCsv', () => {
  const days = ['2025-11-19', '2025-11-20'];
  const services = [
    { service: 'openai', costCents: 123456.7891, calls: 10, units: 4000, share: 0.75, daily: [100000.5, 23456.2891] },
    { service: 'sms, intl', costCents: 41152.263, calls: 3, units: 3, share: 0.25, daily: [0, 41152.263] },
  ];

  it('has the table columns, one column per day, and a total row, as shown on screen', () => {
    const csv = costCsv(days, services);
    expect(csv.split('\r\n')).toEqual([
      'service,cost_usd,calls,units,share_of_total,2025-11-19_usd,2025-11-20_usd',
      'openai,1234.57,10,4000,75.0%,1000.01,234.56',
      '"sms, intl",411.52,3,3,25.0%,0.00,411.52',
      'Total,1646.09,13,4003,100.0%,1000.01,646.09',
      '',
    ]);
  });

  it('holds only the services it is given (hidden ones are left out by the caller)', () => {
    const csv = costCsv(days, [services[1]!]);
    expect(csv).not.toContain('openai');
    expect(csv.split('\r\n')[2]).toBe('Total,411.52,3,3,25.0%,0.00,411.52');
  });

  it('names the file after the range and the zone', () => {
    expect(csvFileName('2025-10-22', '2025-11-20', 'America/Chicago')).toBe('api-costs_2025-10-22_to_2025-11-20_America-Chicago.csv');
  });
});
