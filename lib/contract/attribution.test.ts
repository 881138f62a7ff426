import { describe, expect, it } from 'vitest';
import { funnelInputFromUrl, funnelInputSchema } from './attribution';

describe('funnelInputFromUrl (the URL read the same way on server and client)', () => {
  it('defaults to the last 30 days, swaps a reversed range and caps it at 366 days', () => {
    expect(funnelInputFromUrl({ from: null, to: null }, '2026-11-24')).toEqual({ from: '2026-10-26', to: '2026-11-24' });
    expect(funnelInputFromUrl({ from: '2026-11-10', to: '2026-11-01' }, '2026-11-24')).toEqual({ from: '2026-11-01', to: '2026-11-10' });
    expect(funnelInputFromUrl({ from: '2020-01-01', to: '2026-11-24' }, '2026-11-24')).toEqual({ from: '2025-11-24', to: '2026-11-24' });
    expect(funnelInputFromUrl({ from: '2026-12-05', to: null }, '2026-11-24')).toEqual({ from: '2026-12-05', to: '2026-12-05' });
  });

  it('always builds an input the procedure accepts', () => {
    for (const p of [
      { from: null, to: null },
      { from: '2020-01-01', to: '2026-11-24' },
      { from: '2026-11-10', to: '2026-11-01' },
    ]) {
      expect(funnelInputSchema.safeParse(funnelInputFromUrl(p, '2026-11-24')).success).toBe(true);
    }
  });
});

describe('funnelInputSchema', () => {
  it('refuses reversed and over-long ranges with a readable message', () => {
    expect(funnelInputSchema.safeParse({ from: '2026-11-02', to: '2026-11-01' }).error?.issues[0]?.message).toBe(
      'The end date must be on or after the start date',
    );
    expect(funnelInputSchema.safeParse({ from: '2025-01-01', to: '2026-11-01' }).error?.issues[0]?.message).toBe('Pick at most 366 days');
    expect(funnelInputSchema.safeParse({ from: '2026-02-30', to: '2026-03-01' }).error?.issues[0]?.message).toBe(
      'Dates must look like 2026-03-09',
    );
  });
});
