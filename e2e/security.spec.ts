import { expect, type Page, test } from '@playwright/test';
import { STORAGE } from './env';

/**
 * Issue 17 in the browser: the CSP the pages send is one they satisfy (no violation on any page,
 * scripts run: the pages hydrate and work), no page can be framed, and ?next= never leaves the site.
 */

async function collectViolations(page: Page) {
  const violations: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

const PAGES: { path: string; ready: (p: Page) => Promise<void> }[] = [
  { path: '/conversations', ready: (p) => expect(p.getByRole('heading', { name: /Conversations/ }).first()).toBeVisible() },
  { path: '/bookings', ready: (p) => expect(p.getByRole('heading', { name: /Bookings/ }).first()).toBeVisible() },
  { path: '/analytics', ready: (p) => expect(p.getByTestId('cost-chart')).toBeVisible() },
  { path: '/database', ready: (p) => expect(p.getByRole('heading', { name: /Database/ }).first()).toBeVisible() },
  { path: '/webhooks', ready: (p) => expect(p.getByRole('heading', { name: /Webhooks/ }).first()).toBeVisible() },
  { path: '/attribution', ready: (p) => expect(p.getByRole('heading').first()).toBeVisible() },
];

test.describe('signed in as admin', () => {
  test.use({ storageState: STORAGE.admin });

  for (const { path, ready } of PAGES) {
    test(`${path} raises no CSP violation and its scripts run`, async ({ page }) => {
      const violations = await collectViolations(page);
      const res = await page.goto(path);
      const csp = res!.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(res!.headers()['x-content-type-options']).toBe('nosniff');
      expect(res!.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
      await ready(page);
      // Hydrated: client navigation works (it needs the scripts the CSP allowed).
      await page.getByRole('navigation').getByRole('link', { name: 'Conversations' }).click();
      await expect(page).toHaveURL(/\/conversations/);
      await page.waitForLoadState('networkidle');
      expect(violations).toEqual([]);
    });
  }

  test('?next= pointing off-site lands on the dashboard, in the browser and on the wire', async ({ page, baseURL }) => {
    for (const next of ['/%5Cevil.example', '/%09/evil.example', '//evil.example', '/\\evil.example']) {
      const res = await page.request.get(`/login?next=${next}`, { maxRedirects: 0 });
      expect(res.status(), next).toBe(307);
      expect(res.headers()['location'], next).toBe('/conversations');
      await page.goto(`/login?next=${next}`);
      await expect(page).toHaveURL(`${baseURL}/conversations`);
    }
  });

  test('black box: NUL and impossible dates are 400 with a message, no PostgreSQL text; big batches are 400', async ({ page }) => {
    const get = (proc: string, input: unknown) =>
      page.request.get(`/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
    const cases: [string, unknown][] = [
      ['bookings.searchCustomers', { q: 'smith\u0000' }],
      ['bookings.byCustomer', { customerId: 1, tab: 'past', cursor: '2026-02-30T00:00:00.000000Z_1' }],
      ['bookings.byCustomer', { customerId: 1, tab: 'past', cursor: '2026-04-31T00:00:00.000000Z_1' }],
      ['bookings.byCustomer', { customerId: 1, tab: 'past', cursor: '0000-01-01T00:00:00.000000Z_1' }],
      ['bookings.tabCounts', { customerId: 1, from: '2026-02-30' }],
    ];
    for (const [proc, input] of cases) {
      const res = await get(proc, input);
      const text = await res.text();
      expect(res.status(), `${proc} ${JSON.stringify(input)}`).toBe(400);
      expect(text).not.toMatch(/invalid byte sequence|out of range/);
      expect(res.headers()['cache-control']).toBe('no-store');
      // Set by the route itself: proxy.ts does not run on /api/trpc/.
      expect(res.headers()['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(res.headers()['x-frame-options']).toBe('DENY');
    }
    const many = Array.from({ length: 50 }, () => 'session.me').join(',');
    const res = await page.request.get(`/api/trpc/${many}?batch=1&input=%7B%7D`);
    expect(res.status()).toBe(400);
    expect(await res.text()).toContain('at most 10 calls');
  });

  test('a tRPC mutation from another origin is refused', async ({ page }) => {
    const res = await page.request.post('/api/trpc/database.explainAnalyze', {
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      data: { json: { id: 'conversations.list' } },
    });
    expect(res.status()).toBe(403);
  });
});

test('the sign-in page raises no CSP violation, and no page can be framed', async ({ page, baseURL }) => {
  const violations = await collectViolations(page);
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('wrong-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-error')).toContainText('incorrect');
  expect(violations).toEqual([]);

  // Another site frames the sign-in page: the browser refuses to render it.
  const framer = await page.context().newPage();
  const refused: string[] = [];
  framer.on('console', (m) => refused.push(m.text()));
  await framer.setContent(`<iframe id="f" src="${baseURL}/login" width="600" height="400"></iframe>`);
  await framer.waitForTimeout(1500);
  const frame = framer.frames().find((f) => f !== framer.mainFrame());
  expect(frame).toBeDefined();
  expect(await frame!.locator('h1', { hasText: 'Sign in' }).count()).toBe(0);
});

test('the sign-in form at phone width, with its message', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/login');
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('wrong-password-2');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-error')).toBeVisible();
  await page.screenshot({ path: 'test-results/security-login-390.png', fullPage: true });
});

test('black box: a new X-Forwarded-For per wrong password does not escape the limit', async ({ request, baseURL }) => {
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    const res = await request.post('/api/auth/sign-in/email', {
      headers: { origin: baseURL!, 'x-forwarded-for': `203.0.113.${i}` },
      data: { email: 'limits-e2e@example.com', password: `wrong-${i}` },
    });
    statuses.push(res.status());
  }
  expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
  expect(statuses.slice(5)).toEqual([429, 429]);
});

test('signing in at an address not configured for sign-in says so, with the URL to use', async ({ page, baseURL }) => {
  const other = baseURL!.replace('127.0.0.1', 'localhost');
  await page.goto(`${other}/login`);
  await page.getByLabel('Email').fill('staff@example.com');
  await page.getByLabel('Password').fill('whatever-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-error')).toContainText(
    `This address (${other}) is not configured for sign-in. Sign in at ${baseURL}/login instead.`,
  );
  await page.screenshot({ path: 'test-results/security-login-wrong-origin-1280.png' });
});
