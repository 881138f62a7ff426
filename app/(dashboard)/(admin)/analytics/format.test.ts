import { describe, expect, it } from 'vitest';
import {
  describeChange,
  dollars,
  formatDay,
  formatDayLong,
  formatMoney,
  formatMoneyCompact,
  formatMoneySigned,
  formatPercent,
} from './format';

describe('money', () => {
  it('formats cents as US dollars', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(123456.7891)).toBe('$1,234.57');
    expect(formatMoney(99.5)).toBe('$1.00');
    expect(formatMoney(1)).toBe('$0.01');
    expect(formatMoney(250_000_000)).toBe('$2,500,000.00');
  });

  it('never shows a real but tiny cost as $0.00', () => {
    expect(formatMoney(0.0899)).toBe('< $0.01');
    expect(formatMoney(0.4999)).toBe('< $0.01');
    expect(formatMoney(0.5)).toBe('$0.01');
  });

  it('signs changes and compacts axis ticks', () => {
    expect(formatMoneySigned(4567)).toBe('+$45.67');
    expect(formatMoneySigned(-400)).toBe('-$4.00');
    expect(formatMoneySigned(0)).toBe('$0.00');
    expect(formatMoneyCompact(123_456)).toBe('$1.2K');
    expect(formatMoneyCompact(5_000)).toBe('$50');
  });

  it('gives the CSV the same rounding as the screen', () => {
    for (const cents of [0, 1, 99.5, 123456.7891, 0.0899, 1234.5, 100.005, 7.125]) {
      expect(`$${Number(dollars(cents)).toLocaleString('en-US', { minimumFractionDigits: 2 })}`).toBe(
        formatMoney(cents) === '< $0.01' ? '$0.00' : formatMoney(cents),
      );
    }
    expect(dollars(123456.7891)).toBe('1234.57');
  });
});

describe('days and shares', () => {
  it('formats calendar days without shifting them into a zone', () => {
    expect(formatDay('2025-11-02')).toBe('Nov 2');
    expect(formatDay('2025-01-01')).toBe('Jan 1');
    expect(formatDayLong('2025-11-20')).toBe('Thu, Nov 20, 2025');
  });

  it('formats shares as percentages with one decimal', () => {
    expect(formatPercent(0.12828)).toBe('12.8%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
  });
});

describe('describeChange', () => {
  it('carries the direction in an arrow and a sign, not only in colour', () => {
    expect(describeChange(11_230, 10_000)).toMatchObject({ direction: 'up', arrow: '▲', percent: '+12.3%', amount: '+$12.30' });
    expect(describeChange(9_500, 10_000)).toMatchObject({ direction: 'down', arrow: '▼', percent: '-5.0%', amount: '-$5.00' });
    expect(describeChange(10_000, 10_000)).toMatchObject({ direction: 'flat', arrow: '–', percent: '0.0%' });
    expect(describeChange(10_004, 10_000).direction).toBe('flat');
    expect(describeChange(500, 0)).toMatchObject({ direction: 'new', arrow: '▲', percent: 'new' });
    expect(describeChange(0, 0)).toMatchObject({ direction: 'flat' });
    expect(describeChange(0, 100)).toMatchObject({ direction: 'down', percent: '-100.0%' });
    expect(describeChange(9_500, 10_000).label).toMatch(/^Down 5\.0%/);
  });
});
