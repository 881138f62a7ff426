import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;
beforeAll(async () => {
  // A short session-cache bound so the revocation test can wait it out (server/session-cache.ts).
  h = await createHarness('session', { sessionCacheMs: 300 });
});
afterAll(() => h?.drop());

describe('session.me', () => {
  it('is UNAUTHORIZED without a session', async () => {
    const caller = await h.callerAs('anonymous');
    await expect(caller.session.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' } satisfies Partial<TRPCError>);
  });

  it('returns the signed-in user with their role', async () => {
    expect(await (await h.callerAs('admin')).session.me()).toMatchObject({ email: 'admin@example.com', role: 'admin' });
    expect(await (await h.callerAs('staff')).session.me()).toMatchObject({ email: 'staff@example.com', role: 'staff' });
  });

  it('stops working within the session-cache bound once the session is revoked in the database', async () => {
    const cookie = await h.cookieFor('staff');
    const staff = await h.db.selectFrom('auth_user').select('id').where('email', '=', 'staff@example.com').executeTakeFirstOrThrow();
    await h.db.deleteFrom('auth_session').where('userId', '=', staff.id).execute();
    h.forgetCookie('staff');
    await new Promise((r) => setTimeout(r, 301));
    const { createContext } = await import('../trpc');
    const { createCaller } = await import('../root');
    const caller = createCaller(await createContext({ headers: new Headers({ cookie }), services: h.services }));
    await expect(caller.session.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('over HTTP', () => {
  it('answers 401 without a session and 200 with one', async () => {
    const anon = await h.http('anonymous', 'session.me');
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('UNAUTHORIZED');
    const admin = await h.http('admin', 'session.me');
    expect(admin.status).toBe(200);
    expect(admin.body.result).toMatchObject({ role: 'admin' });
  });
});
