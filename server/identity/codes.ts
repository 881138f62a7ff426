import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A uniformly random 6-digit code, leading zeros kept ("004217"). */
export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * The key codes are hashed with. A bare SHA-256 of a 6-digit code is reversed by trying all
 * 10^6 codes, so the hash is an HMAC under a server secret: a leaked table alone reveals nothing.
 * OTP_SECRET if set, else a key derived from BETTER_AUTH_SECRET (never the auth secret itself).
 * Without either outside production, a per-process random key: codes die with the process.
 */
export function otpKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  const secret = env.OTP_SECRET || env.BETTER_AUTH_SECRET;
  if (secret) {
    if (secret.length < 32) throw new Error('OTP_SECRET (or BETTER_AUTH_SECRET) must be at least 32 characters');
    return deriveOtpKey(secret);
  }
  if (env.NODE_ENV === 'production') throw new Error('OTP_SECRET or BETTER_AUTH_SECRET is required to hash OTP codes');
  return randomBytes(32);
}

export function deriveOtpKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('home-services/otp-code/v1').digest();
}

const PREFIX = 'hmac-sha256:';

/**
 * The stored form of a code. Bound to the thread and destination, so a hash copied onto another
 * row (or a code sent for another thread) never verifies.
 */
export function hashCode(key: Buffer, parts: { threadId: string; destination: string; code: string }): string {
  return PREFIX + mac(key, parts).toString('base64url');
}

/** Constant-time comparison of a candidate code against a stored hash. */
export function codeMatches(key: Buffer, stored: string, parts: { threadId: string; destination: string; code: string }): boolean {
  const expected = mac(key, parts);
  const actual = stored.startsWith(PREFIX) ? Buffer.from(stored.slice(PREFIX.length), 'base64url') : Buffer.alloc(0);
  // timingSafeEqual demands equal lengths; compare against itself so a malformed hash costs the same.
  if (actual.length !== expected.length) return timingSafeEqual(expected, expected) && false;
  return timingSafeEqual(actual, expected);
}

function mac(key: Buffer, { threadId, destination, code }: { threadId: string; destination: string; code: string }): Buffer {
  return createHmac('sha256', key).update(`${threadId}\n${destination}\n${code}`).digest();
}
