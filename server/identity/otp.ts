import type { Db } from '@/db/client';
import {
  consumePendingLink,
  deletePendingLink,
  findOrCreateCustomer,
  insertPendingLink,
  latestPendingLink,
  linkThread,
  lockOtpKeys,
  otpRateLimitCounts,
  recordAttempt,
  recordIdentityLinked,
  threadForLink,
} from '../queries/identity';
import { NotConfiguredError } from '../notify/not-configured';
import { codeMatches, generateCode, hashCode, otpKeyFromEnv } from './codes';
import { type Destination, maskDestination } from './destination';
import { type OtpSender, otpSenderFromEnv } from './sender';

export const OTP_POLICY = {
  ttlSeconds: 10 * 60,
  maxAttempts: 5,
  perDestination15m: 3,
  perDestinationHour: 10,
  perThreadHour: 5,
} as const;

export interface OtpDeps {
  sender: OtpSender;
  /** HMAC key for code hashes (see codes.ts). */
  key: Buffer;
}

// One sender and key per process; tests swap the sender with configureOtp.
const globalForOtp = globalThis as unknown as { __otpDeps?: OtpDeps };

export function otpDeps(): OtpDeps {
  globalForOtp.__otpDeps ??= { sender: otpSenderFromEnv(), key: otpKeyFromEnv() };
  return globalForOtp.__otpDeps;
}

export function configureOtp(deps: Partial<OtpDeps>): OtpDeps {
  globalForOtp.__otpDeps = { ...otpDeps(), ...deps };
  return globalForOtp.__otpDeps;
}

export type RequestCodeResult =
  | { ok: true; destinationType: Destination['type']; maskedDestination: string; expiresInSeconds: number }
  | { ok: false; reason: 'thread_not_found' }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number }
  | { ok: false; reason: 'send_failed' }
  | { ok: false; reason: 'not_configured'; missingSettings: string[] };

/**
 * Issues a code: in one short transaction, lock the destination (and thread), count the recent
 * codes with one indexed query, insert the hash. Sending happens after COMMIT so no lock is held
 * during network I/O. Customers are never looked up here: the answer cannot depend on whether
 * someone with that phone or email exists.
 */
export async function requestCode(
  db: Db,
  deps: OtpDeps,
  input: { threadId: string; destination: Destination },
): Promise<RequestCodeResult> {
  const { threadId, destination } = input;
  const channel = destination.type === 'phone' ? 'sms' : 'email';
  // Before anything is stored: a code that cannot be sent must not count against anyone's limits.
  const missing = deps.sender.missingSettings?.(channel) ?? [];
  if (missing.length > 0) return { ok: false, reason: 'not_configured', missingSettings: missing };
  const code = generateCode();
  const outcome = await db.transaction().execute(async (trx) => {
    await lockOtpKeys(trx, { destination: destination.value, threadId });
    if (!(await threadForLink(trx, threadId))) return { ok: false, reason: 'thread_not_found' } as const;
    const c = await otpRateLimitCounts(trx, { destination: destination.value, threadId });
    const waits: number[] = [];
    const wait = (oldest: Date | null, windowSeconds: number) =>
      waits.push(oldest ? Math.ceil((oldest.getTime() + windowSeconds * 1000 - c.now.getTime()) / 1000) : windowSeconds);
    if (c.last15m >= OTP_POLICY.perDestination15m) wait(c.oldest15m, 15 * 60);
    if (c.lastHour >= OTP_POLICY.perDestinationHour) wait(c.oldestHour, 60 * 60);
    if (c.threadLastHour >= OTP_POLICY.perThreadHour) wait(c.oldestThreadHour, 60 * 60);
    if (waits.length > 0) return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.max(1, ...waits) } as const;
    const link = await insertPendingLink(trx, {
      threadId,
      destinationType: destination.type,
      destination: destination.value,
      codeHash: hashCode(deps.key, { threadId, destination: destination.value, code }),
      ttlSeconds: OTP_POLICY.ttlSeconds,
    });
    return { ok: true, linkId: link.id } as const;
  });
  if (!outcome.ok) return outcome;

  try {
    await deps.sender.send({
      channel,
      to: destination.value,
      code,
      expiresInMinutes: OTP_POLICY.ttlSeconds / 60,
    });
  } catch (err) {
    console.error(`[otp] ${deps.sender.name} sender failed:`, err instanceof Error ? err.message : err);
    // Never sent, so it uses no one's quota: the row goes. (The per-client limit on requestCode
    // still counts the request, so a failing provider is not hammered.)
    await deletePendingLink(db, outcome.linkId);
    if (err instanceof NotConfiguredError) return { ok: false, reason: 'not_configured', missingSettings: [...err.settings] };
    return { ok: false, reason: 'send_failed' };
  }
  return {
    ok: true,
    destinationType: destination.type,
    maskedDestination: maskDestination(destination),
    expiresInSeconds: OTP_POLICY.ttlSeconds,
  };
}

/**
 * Checks a code and, if right, links the thread to the customer owning the destination (created if
 * new) in the same transaction. Every failure is the same `{ ok: false }`: no code, expired, used,
 * too many attempts and wrong code are indistinguishable to the caller.
 */
export async function verifyCode(
  db: Db,
  deps: OtpDeps,
  input: { threadId: string; destination: Destination; code: string },
): Promise<{ ok: boolean }> {
  const { threadId, destination, code } = input;
  const parts = { threadId, destination: destination.value, code };
  const ok = await db.transaction().execute(async (trx) => {
    const link = await latestPendingLink(trx, { threadId, destination: destination.value });
    if (!link || link.consumed_at || link.expired || link.attempts >= OTP_POLICY.maxAttempts) {
      codeMatches(deps.key, '', parts); // same work as a real comparison
      return false;
    }
    await recordAttempt(trx, link.id);
    if (!codeMatches(deps.key, link.code_hash, parts)) return false;

    await consumePendingLink(trx, link.id);
    const thread = await threadForLink(trx, threadId);
    if (!thread) return false; // deleted meanwhile (the FK would have removed the code, too)
    const name = thread.contact_name?.trim().slice(0, 200) || destination.value;
    const customerId = await findOrCreateCustomer(trx, { destinationType: destination.type, destination: destination.value, name });
    await linkThread(trx, { threadId, customerId, verifiedPhone: destination.type === 'phone' ? destination.value : null });
    // The attribution funnel counts the step once per thread: its first link.
    if (thread.customer_id === null) await recordIdentityLinked(trx, { threadId, customerId });
    return true;
  });
  return { ok };
}
