import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Db } from '@/db/client';
import { findNul, NUL_MESSAGE } from '@/lib/contract/hardening';
import type { Role } from '@/db/schema';
import type { Auth } from './auth';
import { clientAddress } from './security/client-address';
import { getServices, type Services } from './services';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Context {
  db: Db;
  auth: Auth;
  headers: Headers;
  user: SessionUser | null;
  /** The client's address for rate limits (server/security/client-address.ts). */
  clientAddress: string;
}

/**
 * The one context factory: the HTTP route, the server-component proxy and tests (createCaller with
 * the cookie of a real sign-in) all build the context here, from request headers.
 */
export async function createContext(opts: { headers: Headers; services?: Services }): Promise<Context> {
  const { db, auth } = opts.services ?? getServices();
  const session = await auth.api.getSession({ headers: opts.headers });
  const role = (session?.user as { role?: string | null } | undefined)?.role;
  const user: SessionUser | null = session
    ? {
        id: session.user.id,
        email: session.user.email,
        name: session.user.name,
        role: role === 'admin' ? 'admin' : 'staff',
      }
    : null;
  return { db, auth, headers: opts.headers, user, clientAddress: clientAddress(opts.headers) };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
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
          ? 'Something went wrong on the server. Try again; if it keeps happening, tell an admin.'
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
 * Every procedure, before its own schema: a NUL anywhere in the input is a 400. PostgreSQL text
 * cannot hold U+0000, so without this a NUL in any field reached SQL and came back as a 500.
 */
const refuseNul = t.middleware(async ({ getRawInput, next }) => {
  const at = findNul(await getRawInput());
  if (at !== null) throw new TRPCError({ code: 'BAD_REQUEST', message: `${NUL_MESSAGE} (at ${at})` });
  return next();
});

export const publicProcedure = t.procedure.use(refuseNul);

// Who you are is checked before what you sent: an anonymous caller learns nothing about inputs.
const signedIn = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to see this.' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Any signed-in user (staff or admin). */
export const authedProcedure = signedIn.use(refuseNul);

/** Admins only: cost data, database health, webhooks. */
export const adminProcedure = signedIn
  .use(({ ctx, next }) => {
    if (ctx.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'This page is for admins.' });
    return next({ ctx });
  })
  .use(refuseNul);
