import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Db } from '@/db/client';
import type { Role } from '@/db/schema';
import type { Auth } from './auth';
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
  return { db, auth, headers: opts.headers, user };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Server-sent events (live conversations): a ping every 15 s keeps proxies from closing an idle
  // stream, and a browser that hears nothing for 30 s reconnects (a dropped network).
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // A person reads this: "✖ Too big: expected number to be <=100 → at limit", not a JSON dump.
      message: zodError ? z.prettifyError(zodError) : shape.message,
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
export const publicProcedure = t.procedure;

/** Any signed-in user (staff or admin). */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to see this.' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Admins only: cost data, database health, webhooks. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'This page is for admins.' });
  return next({ ctx });
});
