import type { Db } from '@/db/client';
import { type BucketWindow, clearLimitEvents, limitCounts, lockBucket, recordLimitEvents } from '../queries/security-limits';

/**
 * Sign-in and code-request limits, kept in PostgreSQL (security_limit_events) so every app process
 * shares them and a restart forgets nothing. Why not Redis: the dashboard already depends on
 * PostgreSQL alone, the volume is a few rows per failed sign-in, and one less service is one less
 * thing to secure and run.
 *
 * Sign-in, counting failures only:
 * - per client address: 20 failures in 15 minutes, then wait for the window (password spraying);
 * - per account and client: from the 5th failure in an hour, wait 2, 4, 8... seconds, at most
 *   15 minutes (guessing one account from one place);
 * - per account, from every client: from the 21st failure in 15 minutes, wait 2, 4... up to 60
 *   seconds between attempts (guessing one account from many places). A client that signed in to
 *   this account before (in the last 30 days) is exempt: someone else's failures elsewhere never
 *   keep a user out from where they usually sign in, and for anyone else the wait is a minute at
 *   most, never a lock.
 * A successful sign-in clears its own account-and-client failures.
 */
export const SIGN_IN_POLICY = {
  clientMax: 20,
  clientWindow: 15 * 60,
  pairFree: 4,
  pairWindow: 60 * 60,
  pairMaxWait: 15 * 60,
  accountFree: 20,
  accountWindow: 15 * 60,
  accountMaxWait: 60,
  knownWindow: 30 * 24 * 3600,
} as const;

/** identity.requestCode per client address (destination and thread limits live in the OTP flow). */
export const REQUEST_CODE_POLICY = { clientMax: 10, clientWindow: 15 * 60 } as const;

const key = (s: string) => s.trim().toLowerCase().slice(0, 254);

export function signInBuckets(email: string, client: string) {
  const e = key(email);
  return {
    client: `signin:client:${client}`,
    pair: `signin:pair:${e}|${client}`,
    account: `signin:account:${e}`,
    known: `signin:ok:${e}|${client}`,
  };
}

const secondsSince = (now: Date, t: Date | null) => (t ? (now.getTime() - t.getTime()) / 1000 : Infinity);

/** Seconds to wait before this sign-in may be tried, or 0. */
export async function signInWait(db: Db, email: string, client: string): Promise<number> {
  const b = signInBuckets(email, client);
  const P = SIGN_IN_POLICY;
  const { now, counts } = await limitCounts(db, [
    { bucket: b.client, windowSeconds: P.clientWindow },
    { bucket: b.pair, windowSeconds: P.pairWindow },
    { bucket: b.account, windowSeconds: P.accountWindow },
    { bucket: b.known, windowSeconds: P.knownWindow },
  ] satisfies BucketWindow[]);
  const c = (bucket: string) => counts.get(bucket) ?? { count: 0, oldest: null, newest: null };
  const waits: number[] = [];

  const byClient = c(b.client);
  if (byClient.count >= P.clientMax) waits.push(P.clientWindow - secondsSince(now, byClient.oldest));

  const pair = c(b.pair);
  if (pair.count > P.pairFree) {
    const backoff = Math.min(2 ** (pair.count - P.pairFree), P.pairMaxWait);
    waits.push(backoff - secondsSince(now, pair.newest));
  }

  const account = c(b.account);
  if (account.count > P.accountFree && c(b.known).count === 0) {
    const backoff = Math.min(2 ** (account.count - P.accountFree), P.accountMaxWait);
    waits.push(backoff - secondsSince(now, account.newest));
  }
  const wait = Math.max(0, ...waits);
  return wait > 0 ? Math.ceil(wait) : 0;
}

export async function recordSignInFailure(db: Db, email: string, client: string): Promise<void> {
  const b = signInBuckets(email, client);
  await recordLimitEvents(db, [b.client, b.pair, b.account]);
}

export async function recordSignInSuccess(db: Db, email: string, client: string): Promise<void> {
  const b = signInBuckets(email, client);
  await clearLimitEvents(db, [b.pair]);
  await recordLimitEvents(db, [b.known], SIGN_IN_POLICY.knownWindow);
}

/**
 * Counts one code request from this client and says how long it must wait (0: go on). Every
 * request counts, sent or not: it is the client's own traffic that is limited here.
 */
export async function takeRequestCodeSlot(db: Db, client: string): Promise<number> {
  const bucket = `otp:client:${client}`;
  // Exact under concurrency: requests of one client take its slots one at a time (a
  // transaction-scoped lock, so it is safe behind a transaction-mode pooler).
  return db.transaction().execute(async (trx) => {
    await lockBucket(trx, bucket);
    const { now, counts } = await limitCounts(trx, [{ bucket, windowSeconds: REQUEST_CODE_POLICY.clientWindow }]);
    const c = counts.get(bucket);
    if (c && c.count >= REQUEST_CODE_POLICY.clientMax) {
      return Math.max(1, Math.ceil(REQUEST_CODE_POLICY.clientWindow - secondsSince(now, c.oldest)));
    }
    await recordLimitEvents(trx, [bucket], REQUEST_CODE_POLICY.clientWindow);
    return 0;
  });
}
