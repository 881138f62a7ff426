import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '@/db/seed/users';
import { createAuth } from './auth';
import { createHarness, type Harness, TEST_PASSWORD, TEST_SECRET } from './testing/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness('authcookies');
});
afterAll(() => h?.drop());

async function sessionCookie(baseURL: string) {
  const auth = createAuth(h.db, { secret: TEST_SECRET, baseURL });
  const res = await auth.handler(
    new Request(`${baseURL}/api/auth/sign-in/email`, {
      method: 'POST',
      // Behind a TLS-terminating proxy the app itself is reached over http.
      headers: { 'content-type': 'application/json', origin: baseURL, 'x-forwarded-for': '192.0.2.10' },
      body: JSON.stringify({ email: DEMO_USERS[0]!.email, password: TEST_PASSWORD }),
    }),
  );
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().find((c) => c.includes('session_token'))!;
}

describe('session cookies', () => {
  it('are Secure (and __Secure- prefixed) when the public URL is https, also behind a proxy', async () => {
    const c = await sessionCookie('https://dash.example.com');
    expect(c).toMatch(/^__Secure-/);
    expect(c).toMatch(/; Secure/i);
    expect(c).toMatch(/HttpOnly/i);
    expect(c).toMatch(/SameSite=Lax/i);
  });
  it('are not Secure on a plain-http development URL (the browser would drop them)', async () => {
    const c = await sessionCookie('http://localhost:3000');
    expect(c).not.toMatch(/; Secure/i);
    expect(c).toMatch(/HttpOnly/i);
  });
});
