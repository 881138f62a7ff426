import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sessionCacheOf, sessionOf } from '../auth';
import { createCaller } from '../root';
import { createHarness, type Harness } from '../testing/harness';
import { createContext } from '../trpc';

/**
 * Session checks answered from memory (server/session-cache.ts) keep every authorization
 * guarantee within the stated bound (README, "Sessions"): through this server sign-out and role
 * changes apply to the very next request; made elsewhere (SQL, another instance) within
 * SESSION_CACHE_MS. The bound here is 400 ms so the test can wait it out.
 */
const BOUND_MS = 400;
let h: Harness;
beforeAll(async () => {
  h = await createHarness('session_cache', { sessionCacheMs: BOUND_MS });
});
afterAll(() => h?.drop());

const callerWith = async (cookie: string) => createCaller(await createContext({ headers: new Headers({ cookie }), services: h.services }));
const userId = async (email: string) =>
  (await h.db.selectFrom('auth_user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

/**
 * Waits until the bound has passed since the change, then asks once: an answer remembered before
 * the change expires at most SESSION_CACHE_MS after it was looked up, so this request must miss.
 */
async function afterTheBound(since: number, refused: () => Promise<boolean>): Promise<boolean> {
  const wait = since + BOUND_MS + 1 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return refused();
}
const rejectsWith = (p: Promise<unknown>, code: string) =>
  p.then(
    () => false,
    (e: { code?: string }) => e.code === code,
  );

describe('the session cache', () => {
  it('answers a known cookie from memory: the session row is not read again within the bound', async () => {
    const cookie = await h.cookieFor('staff');
    expect(await (await callerWith(cookie)).session.me()).toMatchObject({ role: 'staff' });
    const id = await userId('staff@example.com');
    await h.db.deleteFrom('auth_session').where('userId', '=', id).execute();
    const deleted = Date.now();
    h.forgetCookie('staff');
    // Immediately after, still served (this is the cache at work: without it this would be 401)...
    expect(await (await callerWith(cookie)).session.me()).toMatchObject({ role: 'staff' });
    // ...and refused within the bound.
    expect(await afterTheBound(deleted, async () => rejectsWith((await callerWith(cookie)).session.me(), 'UNAUTHORIZED'))).toBe(true);
  });

  it('never remembers a cookie that did not sign in, and drops a revoked one for good', async () => {
    const bogus = 'better-auth.session_token=not-a-session.signature';
    await expect((await callerWith(bogus)).session.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect((await callerWith(bogus)).session.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('sign-out through this server refuses the cookie on the very next request', async () => {
    const cookie = await h.cookieFor('staff');
    expect(await (await callerWith(cookie)).session.me()).toMatchObject({ role: 'staff' });
    expect(sessionCacheOf(h.services.auth)!.size).toBeGreaterThan(0);
    await h.services.auth.api.signOut({ headers: new Headers({ cookie }) });
    h.forgetCookie('staff');
    await expect((await callerWith(cookie)).session.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('a demotion through the admin endpoint applies on the very next request', async () => {
    const staffId = await userId('staff@example.com');
    await h.db.updateTable('auth_user').set({ role: 'admin' }).where('id', '=', staffId).execute();
    h.forgetCookie('staff');
    const promoted = await h.cookieFor('staff');
    expect(await (await callerWith(promoted)).session.me()).toMatchObject({ role: 'admin' });
    await (await callerWith(promoted)).analytics.budgets();
    // The plugin's types list only its default roles ('admin' | 'user'); ours are admin and staff.
    await h.services.auth.api.setRole({
      body: { userId: staffId, role: 'staff' as 'user' },
      headers: new Headers({ cookie: await h.cookieFor('admin') }),
    });
    await expect((await callerWith(promoted)).analytics.budgets()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a demotion made in the database (another instance, SQL) is refused within the bound', async () => {
    const staffId = await userId('staff@example.com');
    await h.db.updateTable('auth_user').set({ role: 'admin' }).where('id', '=', staffId).execute();
    h.forgetCookie('staff');
    const cookie = await h.cookieFor('staff');
    await (await callerWith(cookie)).analytics.budgets();
    await h.db.updateTable('auth_user').set({ role: 'staff' }).where('id', '=', staffId).execute();
    const demoted = Date.now();
    expect(await afterTheBound(demoted, async () => rejectsWith((await callerWith(cookie)).analytics.budgets(), 'FORBIDDEN'))).toBe(true);
  });

  it('is found by every bundled copy of server/auth.ts: Next bundles it once per entry, and the instance comes from instrumentation', async () => {
    const cookie = await h.cookieFor('admin');
    const auth = h.services.auth;
    // A second module instance of server/auth.ts, as the tRPC route's bundle has beside boot's.
    vi.resetModules();
    const copy = await import('../auth');
    expect(copy.sessionOf).not.toBe(sessionOf);
    expect(copy.sessionCacheOf(auth)).toBe(sessionCacheOf(auth));
    sessionCacheOf(auth)!.clear();
    const lookups = vi.spyOn(auth.api, 'getSession');
    try {
      const headers = new Headers({ cookie });
      expect((await copy.sessionOf(auth, headers))?.user.email).toBe('admin@example.com');
      await copy.sessionOf(auth, headers);
      await sessionOf(auth, headers);
      // One read of the session table for the three checks (with a per-copy cache: two or three).
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });
});
