import { TRPCError } from '@trpc/server';
import { POOL_TIMEOUT_MESSAGE } from '@/db/client';

/**
 * Bulkheads and "busy" answers. A locked or slow table must delay only the requests that need it:
 *  - every app statement has a lock_timeout and a statement_timeout (db/client.ts, per transaction);
 *  - each router (bookings, conversations, ...) may hold at most `limit` of the pool's connections
 *    at once, so a dozen requests stuck on one locked table cannot starve session.me;
 *  - waiting for that share, or for the pool itself, is bounded.
 * Hitting any of these answers 503 SERVICE_UNAVAILABLE with a message naming what is busy, and the
 * HTTP route adds Retry-After. Never a 500, never a hang.
 */

export const RETRY_AFTER_SECONDS = 2;

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';
const TOO_MANY_CONNECTIONS = '53300';

/** Why a database error means "busy, try again", or null when it is a real failure. */
export function busyReason(err: unknown, limits: { lockTimeoutMs: number; statementTimeoutMs: number; poolWaitMs: number }): string | null {
  // Libraries wrap: better-auth's "Failed to get session" carries the pool's timeout as its cause.
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const reason = ownBusyReason(e, limits);
    if (reason) return reason;
  }
  return null;
}

function ownBusyReason(err: unknown, limits: { lockTimeoutMs: number; statementTimeoutMs: number; poolWaitMs: number }): string | null {
  const e = err as { code?: string; message?: string } | null;
  if (!e || typeof e !== 'object') return null;
  if (e instanceof BulkheadFull) return e.message;
  if (e.code === LOCK_NOT_AVAILABLE)
    return `a table it reads is locked by another session (waited ${limits.lockTimeoutMs} ms for the lock)`;
  if (e.code === QUERY_CANCELED) return `its query ran longer than the ${limits.statementTimeoutMs} ms statement timeout`;
  if (e.code === TOO_MANY_CONNECTIONS) return 'the database has no free connections';
  const message = e.message ?? '';
  if (message.includes(POOL_TIMEOUT_MESSAGE)) return `no database connection came free within ${limits.poolWaitMs} ms (the pool is in use)`;
  // PgBouncer: pool full past query_wait_timeout, or the server side unavailable.
  if (/query_wait_timeout|no more connections allowed|pgbouncer cannot connect to server/i.test(message)) {
    return `the connection pooler is busy (${message})`;
  }
  return null;
}

export function busyError(what: string, reason: string, cause?: unknown): TRPCError {
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: `The database is busy for ${what}: ${reason}. Try again in a few seconds.`,
    cause,
  });
}

/**
 * The bulkheads live on globalThis and Next bundles this file once per entry (the pages, the tRPC
 * route; scripts/serve.ts loads its own copy too): a bulkhead made by one copy throws that copy's
 * class. So "is this a BulkheadFull" is a registered-symbol brand, which every copy shares, not
 * instanceof, which would miss it and turn the 503 into a 500.
 */
const BULKHEAD_FULL = Symbol.for('home-services-dashboard.bulkhead-full');

export class BulkheadFull extends Error {
  readonly [BULKHEAD_FULL] = true;
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BULKHEAD_FULL] === true;
  }
}

/** A counting semaphore with a bounded wait: the share of the pool one area may hold. */
export class Bulkhead {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(
    readonly name: string,
    readonly limit: number,
  ) {}

  async run<T>(waitMs: number, fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await this.wait(waitMs);
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(
          new BulkheadFull(
            `${this.limit} ${this.name} requests already hold their share of the connections and none finished within ${ms} ms`,
          ),
        );
      }, ms);
      this.waiting.push(grant);
    });
  }
}

const g = globalThis as unknown as { __bulkheads?: Map<string, Bulkhead> };

export function bulkheadFor(area: string, limit: number): Bulkhead {
  const map = (g.__bulkheads ??= new Map());
  let b = map.get(area);
  if (!b || b.limit !== limit) {
    b = new Bulkhead(area, limit);
    map.set(area, b);
  }
  return b;
}
