import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Db } from '@/db/client';
import { findNul, NUL_MESSAGE } from '@/lib/contract/hardening';
import type { Role } from '@/db/schema';
import { type Auth, sessionOf } from './auth';
import { wireTransformer } from './http/wire-format';
import { clientAddress } from './security/client-address';
import { BulkheadFull, busyError, busyReason, bulkheadFor } from './runtime/busy';
import { type DbNode, isConnectionError } from './runtime/replica';
import { getServices, type Services } from './services';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface DbLimits {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  poolWaitMs: number;
  /** Connections one router (bookings, conversations, ...) may hold at once. */
  bulkhead: number;
}

/** What the request log line reports; filled in as the request runs. */
export interface RequestMeta {
  role: SessionUser['role'] | 'anonymous';
  node: DbNode;
}

export interface Context {
  db: Db;
  auth: Auth;
  headers: Headers;
  user: SessionUser | null;
  services: Services;
  limits: DbLimits;
  meta: RequestMeta;
  /** The client's address for rate limits (server/security/client-address.ts). */
  clientAddress: string;
}

/** What a person reads for an unexpected error in production; the log keeps the cause. */
export const SERVER_FAULT_MESSAGE = 'Something went wrong on the server. Try again; if it keeps happening, tell an admin.';

export const DEFAULT_LIMITS: DbLimits = { lockTimeoutMs: 3_000, statementTimeoutMs: 10_000, poolWaitMs: 1_000, bulkhead: 5 };

/**
 * The one context factory: the HTTP route, the server-component proxy and tests (createCaller with
 * the cookie of a real sign-in) all build the context here, from request headers.
 */
export async function createContext(opts: { headers: Headers; services?: Services; meta?: RequestMeta }): Promise<Context> {
  const services = opts.services ?? getServices();
  const { db, auth } = services;
  const limits = services.limits ?? DEFAULT_LIMITS;
  const meta = opts.meta ?? { role: 'anonymous', node: 'primary' };
  let session: Awaited<ReturnType<Auth['api']['getSession']>>;
  try {
    session = await sessionOf(auth, opts.headers);
  } catch (err) {
    // The session lookup is the first query of every request: a busy pool answers 503 here too.
    const reason = busyReason(err, limits);
    if (reason) throw busyError('sign-in sessions', reason, err);
    throw err;
  }
  const role = (session?.user as { role?: string | null } | undefined)?.role;
  const user: SessionUser | null = session
    ? {
        id: session.user.id,
        email: session.user.email,
        name: session.user.name,
        role: role === 'admin' ? 'admin' : 'staff',
      }
    : null;
  if (user) meta.role = user.role;
  return { db, auth, headers: opts.headers, user, services, limits, meta, clientAddress: clientAddress(opts.headers) };
}

const t = initTRPC.context<Context>().create({
  // superjson on the wire; outputs are encoded without superjson's general walk when they are plain
  // JSON plus Dates, the same format (server/http/wire-format.ts).
  transformer: wireTransformer,
  // Server-sent events (live conversations): a ping every 15 s keeps proxies from closing an idle
  // stream, and a browser that hears nothing for 30 s reconnects (a dropped network).
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // A person reads this: "✖ Too big: expected number to be <=100 → at limit", not a JSON dump.
      // An unexpected error's text may be PostgreSQL's (table names, values): the browser gets a
      // plain sentence, the log keeps the detail (the route's onError).
      message: zodError
        ? z.prettifyError(zodError)
        : error.code === 'INTERNAL_SERVER_ERROR' && process.env.NODE_ENV === 'production'
          ? SERVER_FAULT_MESSAGE
          : shape.message,
      data: {
        ...shape.data,
        // Never leak stack traces or SQL to the browser in production.
        stack: process.env.NODE_ENV === 'production' ? undefined : shape.data.stack,
        zodIssues: zodError ? zodError.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : undefined,
      },
    };
  },
});

export const createRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure: a bounded share of the pool for its router (the bulkhead), and database "busy"
 * errors (lock or statement timeout, no connection in time) turned into 503 naming what is busy.
 */
async function withinBulkhead<R extends { ok: true } | { ok: false; error: TRPCError }>(
  ctx: Context,
  path: string,
  call: () => Promise<R>,
): Promise<R> {
  const area = path.split('.')[0] ?? path;
  const result = await bulkheadFor(area, ctx.limits.bulkhead)
    .run(ctx.limits.poolWaitMs, call)
    .catch((err: unknown) => {
      if (err instanceof BulkheadFull) throw busyError(path, err.message, err);
      throw err;
    });
  if (!result.ok) {
    const reason = busyReason(result.error.cause, ctx.limits);
    if (reason) throw busyError(path, reason, result.error.cause);
  }
  return result;
}

/**
 * Every procedure, before its own schema: a NUL anywhere in the input is a 400. PostgreSQL text
 * cannot hold U+0000, so without this a NUL in any field reached SQL and came back as a 500.
 */
async function refuseNul(getRawInput: () => Promise<unknown>): Promise<void> {
  const at = findNul(await getRawInput());
  if (at !== null) throw new TRPCError({ code: 'BAD_REQUEST', message: `${NUL_MESSAGE} (at ${at})` });
}

/*
 * Each procedure kind has ONE entry middleware doing, in this order: the bulkhead, who you are
 * (signed in, admin), then what you sent (NUL). One middleware rather than a chain of three: tRPC
 * copies the call's options and context at every step of a chain, which was measurable on every
 * request (issue 23).
 */
export const publicProcedure = t.procedure.use(({ ctx, path, getRawInput, next }) =>
  withinBulkhead(ctx, path, async () => {
    await refuseNul(getRawInput);
    return next();
  }),
);

/**
 * Add `.use(onReplica)` to a read-only procedure that may read slightly stale data (lists, history,
 * analytics, the Database page's reads): its ctx.db is then the replica when DATABASE_REPLICA_URL is
 * set and the replica is up and within REPLICA_MAX_LAG_MS, else the primary. A user who wrote in the
 * last REPLICA_MAX_LAG_MS keeps reading the primary (read-your-writes). ctx.dbNode says which it was.
 */
export const onReplica = t.middleware(async ({ ctx, next }) => {
  const router = ctx.services.replica;
  const userId = (ctx as { user?: SessionUser | null }).user?.id;
  if (!router || (userId && wroteRecently(userId, router.maxLagMs))) {
    return next({ ctx: { dbNode: 'primary' as DbNode } });
  }
  const picked = await router.pick();
  ctx.meta.node = picked.status.node;
  const result = await next({ ctx: { db: picked.db, dbNode: picked.status.node } });
  if (!result.ok && picked.status.node === 'replica' && isConnectionError(result.error.cause)) {
    // The replica went away since the last check: this request reads the primary instead (a read
    // is safe to run twice), and so do the next ones until a check finds the replica back.
    router.markDown(`the replica stopped answering: ${(result.error.cause as Error).message}`);
    ctx.meta.node = 'primary';
    return next({ ctx: { dbNode: 'primary' as DbNode } });
  }
  return result;
});

// Read-your-writes: user id -> time of the last mutation this process served for them. On
// globalThis, like the bulkheads: Next bundles this file once for the tRPC route and once for the
// pages, and a page rendered after a mutation must see it too (a module-level map is per copy).
const globalForWrites = globalThis as unknown as { __lastWrite?: Map<string, number> };
const lastWrite = (globalForWrites.__lastWrite ??= new Map<string, number>());
function wroteRecently(userId: string, windowMs: number): boolean {
  const at = lastWrite.get(userId);
  if (at === undefined) return false;
  if (Date.now() - at <= windowMs + 1_000) return true;
  lastWrite.delete(userId);
  return false;
}

// Who you are is checked before what you sent: an anonymous caller learns nothing about inputs.
function signedInEntry(role: 'any' | 'admin') {
  return t.middleware(({ ctx, path, type, getRawInput, next }) =>
    withinBulkhead(ctx, path, async () => {
      const user = ctx.user;
      if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to see this.' });
      if (role === 'admin' && user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'This page is for admins.' });
      await refuseNul(getRawInput);
      if (type !== 'mutation') return next({ ctx: { user } });
      lastWrite.set(user.id, Date.now());
      try {
        return await next({ ctx: { user } });
      } finally {
        lastWrite.set(user.id, Date.now());
      }
    }),
  );
}

/** Any signed-in user (staff or admin). */
export const authedProcedure = t.procedure.use(signedInEntry('any'));

/** Admins only: cost data, database health, webhooks. */
export const adminProcedure = t.procedure.use(signedInEntry('admin'));
