/** Where a code goes: an E.164 phone (as customers.phone stores it) or a lower-case email. */
export type Destination = { type: 'phone'; value: string } | { type: 'email'; value: string };

const E164 = /^\+[1-9][0-9]{6,14}$/;
// The same rule as customers.email's CHECK, plus a sane length and no control characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const EMAIL = /^[^@\s\u0000-\u001f\u007f]+@[^@\s\u0000-\u001f\u007f]+\.[^@\s\u0000-\u001f\u007f]+$/;

/**
 * Normalizes what a visitor typed, or null when it is neither a phone nor an email. Phones: spaces,
 * dots, dashes and parentheses dropped; 10 digits (or 11 starting with 1) are US numbers, the
 * business's market; anything else must carry its + country code (or 00).
 */
export function parseDestination(input: string): Destination | null {
  const s = input.trim();
  if (s.length === 0 || s.length > 254) return null;
  if (s.includes('@')) {
    const email = s.toLowerCase();
    return EMAIL.test(email) ? { type: 'email', value: email } : null;
  }
  if (!/^[+0-9\s().-]+$/.test(s)) return null;
  let digits = s.replace(/[\s().-]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (/^\d{10}$/.test(digits)) digits = `+1${digits}`;
  else if (/^1\d{10}$/.test(digits)) digits = `+${digits}`;
  return E164.test(digits) ? { type: 'phone', value: digits } : null;
}

/** What the visitor is shown back: enough to spot a typo, not enough to read someone's address. */
export function maskDestination(d: Destination): string {
  if (d.type === 'phone') return `${'•'.repeat(Math.max(0, d.value.length - 4))}${d.value.slice(-4)}`;
  const [local = '', domain = ''] = d.value.split('@');
  return `${local.slice(0, 1)}${'•'.repeat(Math.min(6, Math.max(1, local.length - 1)))}@${domain}`;
}
