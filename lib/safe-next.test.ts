import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_SIGN_IN, safeNext } from './safe-next';

describe('safeNext: only same-origin paths survive', () => {
  it.each(['/analytics', '/bookings?customerId=12&tab=past', '/conversations/0b7c4c8e-3f1a-4c55-9a43-1d2f6a9e8b10#latest'])(
    'keeps %s',
    (p) => expect(safeNext(p)).toBe(p),
  );

  it.each([
    // the findings of issue 17
    '/%5Cevil.example',
    '/\\evil.example',
    '/%09/evil.example',
    '/\t/evil.example',
    // their relatives
    '//evil.example',
    '/%2Fevil.example',
    '/%2fevil.example',
    '/%5c%5cevil.example',
    '\\\\evil.example',
    '/\n/evil.example',
    '/%0d%0a/evil.example',
    'https://evil.example',
    'evil.example',
    'javascript:alert(1)',
    '/%E0%A4%A', // malformed escape
    '/login?next=/analytics', // would loop
    '',
    '/a/../..//evil.example',
  ])('refuses %j', (p) => expect(safeNext(p)).toBe(DEFAULT_AFTER_SIGN_IN));

  it('refuses anything but a short string', () => {
    expect(safeNext(`/${'x'.repeat(3000)}`)).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeNext(undefined)).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeNext(null)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it('every accepted value resolves to this origin in a real URL parser', () => {
    const samples = ['/a', '/%5Cx', '/%09/x', '//x', '/\\x', '/./\\x', '/.%2F/x', '/a/../..//x'];
    for (const s of samples) {
      const out = safeNext(s);
      expect(new URL(out, 'https://dash.example.com').origin, s).toBe('https://dash.example.com');
    }
  });
});
