import { describe, expect, it } from 'vitest';
import { formatPhone } from './format-phone';

describe('formatPhone', () => {
  it('prints North American numbers in national form', () => {
    expect(formatPhone('+13125550142')).toBe('(312) 555-0142');
  });
  it('leaves other numbers, and anything malformed, as stored', () => {
    expect(formatPhone('+442071838750')).toBe('+442071838750');
    expect(formatPhone('+1312555014')).toBe('+1312555014');
    expect(formatPhone('')).toBe('');
  });
});
