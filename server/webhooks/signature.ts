import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HousecallPro's webhook signing scheme, all in this one place.
 *
 * UNCONFIRMED: the header names, the timestamp unit (Unix seconds) and the signing string
 * (`${timestamp}.${rawBody}`, HMAC-SHA256 with the shared secret, lowercase hex) follow the common
 * timestamped-HMAC pattern and what HousecallPro's docs describe, but must be checked against a
 * real delivery (their webhook log shows the headers sent) before go-live. If it differs, only this
 * file changes; receive.test.ts signs with `signPayload` below, so it follows automatically.
 */
export const SIGNATURE_HEADER = 'api-signature';
export const TIMESTAMP_HEADER = 'api-timestamp';

/** Deliveries whose timestamp is further than this from our clock, in either direction, are refused. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

function mac(secret: string, timestamp: string, rawBody: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody).digest();
}

/** The signature header value a sender computes: what tests and local tools send. */
export function signPayload(secret: string, timestamp: string, rawBody: Uint8Array | string): string {
  const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return mac(secret, timestamp, bytes).toString('hex');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch'; message: string };

/**
 * Verifies the signature of a delivery. Order matters for cost, not for safety: the cheap header
 * checks come first, and the comparison itself is constant-time (timingSafeEqual on equal-length
 * buffers; a header of another length never reaches it).
 */
export function verifySignature(input: {
  signature: string | null;
  timestamp: string | null;
  rawBody: Uint8Array;
  secret: string;
  now: Date;
}): SignatureCheck {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) {
    return { ok: false, reason: 'missing', message: `Missing ${SIGNATURE_HEADER} or ${TIMESTAMP_HEADER} header.` };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'malformed', message: `${TIMESTAMP_HEADER} must be Unix seconds.` };
  }
  const skew = Math.abs(input.now.getTime() / 1000 - Number(timestamp));
  if (skew > TIMESTAMP_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'stale', message: `${TIMESTAMP_HEADER} is outside the ${TIMESTAMP_TOLERANCE_SECONDS} s tolerance.` };
  }
  const expected = mac(input.secret, timestamp, input.rawBody);
  const given = /^[0-9a-fA-F]+$/.test(signature) && signature.length === expected.length * 2 ? Buffer.from(signature, 'hex') : null;
  if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'mismatch', message: 'Signature does not match.' };
  }
  return { ok: true };
}
