import { describe, expect, it } from 'vitest';
import { csvField, funnelCsv } from './csv';
import { funnelInput } from './search-params';

describe('csvField', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(csvField('google')).toBe('google');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(csvField(12)).toBe('12');
  });

  it('writes a header, one line per source and a total line', () => {
    const rates = { firstMessage: 0.5, identityLinked: null, bookingMade: null, jobCompleted: null };
    const row = { source: 'google', medium: 'cpc', campaign: null, visitors: 2, firstMessage: 1, identityLinked: 0, bookingMade: 0, jobCompleted: 0, revenueCents: 12345, rates };
    const csv = funnelCsv([row], { ...row, rates }, { from: '2026-10-01', to: '2026-10-31' });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^source,medium,campaign,visitors,/);
    expect(lines[1]).toBe('google,cpc,,2,1,0,0,0,0.5000,,,,123.45,2026-10-01,2026-10-31');
    expect(lines[2]).toMatch(/^\(all\),,,2,/);
  });
});

describe('funnelInput (the URL read the same way on server and client)', () => {
  it('defaults to the last 30 days, swaps a reversed range and caps it at 366 days', () => {
    expect(funnelInput({ from: null, to: null }, '2026-11-24')).toEqual({ from: '2026-10-26', to: '2026-11-24' });
    expect(funnelInput({ from: '2026-11-10', to: '2026-11-01' }, '2026-11-24')).toEqual({ from: '2026-11-01', to: '2026-11-10' });
    expect(funnelInput({ from: '2020-01-01', to: '2026-11-24' }, '2026-11-24')).toEqual({ from: '2025-11-24', to: '2026-11-24' });
    expect(funnelInput({ from: '2026-12-05', to: null }, '2026-11-24')).toEqual({ from: '2026-12-05', to: '2026-12-05' });
  });
});
