import { describe, expect, it } from 'vitest';
import { funnelCsv } from './csv';

describe('funnelCsv', () => {
  it('guards a formula in a source', () => {
    const rates = { firstMessage: null, identityLinked: null, bookingMade: null, jobCompleted: null };
    const row = {
      source: '=cmd',
      medium: null,
      campaign: null,
      visitors: 1,
      firstMessage: 0,
      identityLinked: 0,
      bookingMade: 0,
      jobCompleted: 0,
      revenueCents: 0,
      rates,
    };
    expect(funnelCsv([row], row, { from: '2026-10-01', to: '2026-10-01' }).split('\r\n')[1]).toMatch(/^'=cmd,/);
  });

  it('writes a header, one line per source and a total line', () => {
    const rates = { firstMessage: 0.5, identityLinked: null, bookingMade: null, jobCompleted: null };
    const row = {
      source: 'google',
      medium: 'cpc',
      campaign: null,
      visitors: 2,
      firstMessage: 1,
      identityLinked: 0,
      bookingMade: 0,
      jobCompleted: 0,
      revenueCents: 12345,
      rates,
    };
    const csv = funnelCsv([row], { ...row, rates }, { from: '2026-10-01', to: '2026-10-31' });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^source,medium,campaign,visitors,/);
    expect(lines[1]).toBe('google,cpc,,2,1,0,0,0,0.5000,,,,123.45,2026-10-01,2026-10-31');
    expect(lines[2]).toMatch(/^\(all\),,,2,/);
  });
});
