import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '@/db/seed/users';
import { createAuth } from '../auth';
import { createHarness, type Harness, TEST_PASSWORD, TEST_SECRET } from '../testing/harness';
import { SIGN_IN_POLICY } from './limits';

/**
 * Issue 17's sign-in findings against the real auth handler (the one /api/auth serves) over a
 * scratch database. Requests arrive as scripts/serve.ts hands them on: X-Forwarded-For ends with
 * the socket's peer; whatever the client sent comes before it.
 */
let h: Harness;
const staff = DEMO_USERS.find((u) => u.role === 'staff')!.email;
const admin = DEMO_USERS.find((u) => u.role === 'admin')!.email;

beforeAll(async () => {
  h = await createHarness('signinlimits');
});
afterAll(() => h?.drop());

let peerSeq = 0;
const newPeer = () => `198.51.100.${++peerSeq}`;

async function signIn(email: string, password: string, xff: string, auth = h.services.auth) {
  const res = await auth.handler(
    new Request('http://localhost:3000/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000', 'x-forwarded-for': xff },
      body: JSON.stringify({ email, password }),
    }),
  );
  const body: any = await res.json().catch(() => null);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

describe('sign-in limits', () => {
  it('a new X-Forwarded-For value per attempt does not buy new attempts (30 tries: 429 from the 6th)', async () => {
    const peer = newPeer();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await signIn(admin, 'wrong-password', `203.0.113.${i}, ${peer}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
  });

  it('429 says how long to wait, in Retry-After and in the message', async () => {
    const peer = newPeer();
    for (let i = 0; i < 5; i++) await signIn(admin, 'wrong-password', peer);
    const r = await signIn(admin, 'wrong-password', peer);
    expect(r.status).toBe(429);
    expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(r.body.message).toMatch(/Try again in \d+ seconds/);
  });

  it("one client's failures (behind a two-hop X-Forwarded-For) do not lock out another client's correct password", async () => {
    const attacker = newPeer();
    for (let i = 0; i < 10; i++) await signIn(staff, 'wrong-password', `10.0.0.1, 10.0.0.2, ${attacker}`);
    expect((await signIn(staff, 'wrong-password', `10.0.0.1, 10.0.0.2, ${attacker}`)).status).toBe(429);
    const user = await signIn(staff, TEST_PASSWORD, `10.0.0.1, 10.0.0.2, ${newPeer()}`);
    expect(user.status).toBe(200);
  });

  it('many clients guessing one account: a new address waits a minute at most, where the user signed in before does not wait', async () => {
    // Earlier tests failed on this account too: start its account-wide count from zero.
    await h.db.deleteFrom('security_limit_events').where('bucket', 'like', 'signin:account:%').execute();
    const home = newPeer();
    expect((await signIn(staff, TEST_PASSWORD, home)).status).toBe(200);
    for (let i = 0; i < SIGN_IN_POLICY.accountFree + 1; i++) {
      expect((await signIn(staff, `wrong-${i}`, newPeer())).status).toBe(401);
    }
    const stranger = await signIn(staff, TEST_PASSWORD, newPeer());
    expect(stranger.status).toBe(429);
    expect(Number(stranger.retryAfter)).toBeLessThanOrEqual(SIGN_IN_POLICY.accountMaxWait);
    expect((await signIn(staff, TEST_PASSWORD, home)).status).toBe(200);
  });

  it('a successful sign-in clears its own failures', async () => {
    const peer = newPeer();
    for (let i = 0; i < 4; i++) await signIn(admin, 'wrong-password', peer);
    expect((await signIn(admin, TEST_PASSWORD, peer)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await signIn(admin, 'wrong-password', peer)).status).toBe(401);
  });

  it('limits hold across processes and restarts: another auth instance on the same database sees them', async () => {
    const peer = newPeer();
    for (let i = 0; i < 5; i++) await signIn(admin, 'wrong-password', peer);
    const restarted = createAuth(h.db, { secret: TEST_SECRET, baseURL: 'http://localhost:3000' });
    expect((await signIn(admin, TEST_PASSWORD, peer, restarted)).status).toBe(429);
  });

  it('a client address over its failure budget is refused for every account', async () => {
    const peer = newPeer();
    for (let i = 0; i < SIGN_IN_POLICY.clientMax; i++) await signIn(`nobody${i}@example.com`, 'wrong-password', peer);
    expect((await signIn(staff, TEST_PASSWORD, peer)).status).toBe(429);
    expect((await signIn(staff, TEST_PASSWORD, newPeer())).status).toBe(200);
  });
});
