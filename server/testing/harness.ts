import superjson from 'superjson';
import { createDb } from '@/db/client';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { ensurePgBouncer, pooledUrl } from '@/db/testing/pgbouncer';
import { runMigrations } from '@/db/migrator';
import { DEMO_USERS, seedDemoUsers } from '@/db/seed/users';
import { createAuth } from '../auth';
import { handleTrpc } from '../http/trpc-handler';
import { createCaller } from '../root';
import type { Services } from '../services';
import { createContext, DEFAULT_LIMITS, type DbLimits } from '../trpc';

export const TEST_PASSWORD = 'correct-horse-battery';
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';

export interface Harness extends ScratchDatabase {
  /** The app's services: their db reaches the scratch database through PgBouncer (transaction mode). */
  services: Services;
  /** The pooled URL the app's db uses. */
  pooledUrl: string;
  /** A tRPC caller as a real signed-in user (better-auth sign-in, session cookie in headers). */
  callerAs(role: 'admin' | 'staff' | 'anonymous', options?: { clientAddress?: string }): Promise<ReturnType<typeof createCaller>>;
  /** The Cookie header of a real session for that role. */
  cookieFor(role: 'admin' | 'staff'): Promise<string>;
  /** Drop the cached cookie so the next call signs in afresh (after revoking sessions, say). */
  forgetCookie(role: 'admin' | 'staff'): void;
  /**
   * Calls a procedure over HTTP semantics (the same fetch handler app/api/trpc uses), as `role`.
   * Returns the HTTP status and the decoded body: `{ result }` or `{ error: { message, code, httpStatus } }`.
   */
  http(
    role: 'admin' | 'staff' | 'anonymous',
    procedure: string,
    input?: unknown,
    options?: { method?: 'GET' | 'POST'; rawInput?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>;
}

export interface HarnessOptions {
  /** The app pool's limits (defaults: the server's defaults). */
  limits?: Partial<DbLimits>;
  poolMax?: number;
  /** The session cache's bound (SESSION_CACHE_MS); default: the server's default, 5 s. */
  sessionCacheMs?: number;
}

/**
 * A scratch PostgreSQL database, migrated, with the demo admin and staff users, and callers that
 * go through the same context factory the HTTP route uses. Seed data is the test's own business.
 */
export async function createHarness(prefix = 'api', options: HarnessOptions = {}): Promise<Harness> {
  const [scratch] = await Promise.all([createScratchDatabase(prefix), ensurePgBouncer()]);
  await runMigrations(scratch.db);
  await seedDemoUsers(scratch.db, TEST_PASSWORD);
  // The app runs as deployed behind a pooler: PgBouncer in transaction mode, limits per transaction.
  // The test's own setup (scratch.db) stays on the direct connection.
  const limits: DbLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const pooled = pooledUrl(scratch.name);
  const appDb = createDb(pooled, { ...limits, max: options.poolMax ?? 10, applicationName: `app:${prefix}` });
  const auth = createAuth(appDb, {
    secret: TEST_SECRET,
    baseURL: 'http://localhost:3000',
    requestsPerMinute: 1000,
    sessionCacheMs: options.sessionCacheMs ?? 5_000,
  });
  const services: Services = { db: appDb, auth, limits, directUrl: scratch.url };
  const cookies = new Map<string, string>();

  async function cookieFor(role: 'admin' | 'staff'): Promise<string> {
    const cached = cookies.get(role);
    if (cached) return cached;
    const email = DEMO_USERS.find((u) => u.role === role)!.email;
    const res = await auth.api.signInEmail({ body: { email, password: TEST_PASSWORD }, asResponse: true });
    if (!res.ok) throw new Error(`sign-in as ${role} failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    cookies.set(role, cookie);
    return cookie;
  }

  async function http(
    role: 'admin' | 'staff' | 'anonymous',
    procedure: string,
    input?: unknown,
    options: { method?: 'GET' | 'POST'; rawInput?: string } = {},
  ) {
    const method = options.method ?? 'GET';
    const encoded = options.rawInput ?? JSON.stringify(superjson.serialize(input));
    const url = new URL(`http://localhost/api/trpc/${procedure}`);
    if (method === 'GET' && input !== undefined) url.searchParams.set('input', encoded);
    if (method === 'GET' && options.rawInput !== undefined) url.searchParams.set('input', options.rawInput);
    const headers = new Headers({ 'content-type': 'application/json' });
    if (role !== 'anonymous') headers.set('cookie', await cookieFor(role));
    const req = new Request(url, { method, headers, body: method === 'POST' ? encoded : undefined });
    const res = await handleTrpc(req, { services, log: false });
    const json: any = await res.json();
    // Both results and errors are superjson-encoded on the wire.
    const error: any = json.error ? superjson.deserialize(json.error) : null;
    const body = error
      ? { error: { message: error.message, code: error.data?.code, httpStatus: error.data?.httpStatus, zodIssues: error.data?.zodIssues } }
      : { result: superjson.deserialize(json.result.data) };
    return { status: res.status, body, headers: res.headers };
  }

  return {
    ...scratch,
    async drop() {
      await appDb.destroy();
      await scratch.drop();
    },
    pooledUrl: pooled,
    services,
    cookieFor,
    forgetCookie: (role) => void cookies.delete(role),
    http,
    async callerAs(role, options = {}) {
      const headers = new Headers();
      // As the serving process sees it (server/security/client-address.ts): the last hop is the peer.
      if (options.clientAddress) headers.set('x-forwarded-for', options.clientAddress);
      if (role !== 'anonymous') headers.set('cookie', await cookieFor(role));
      return createCaller(await createContext({ headers, services }));
    },
  };
}
