import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

/**
 * Every page, checked by machine at desktop and phone width: axe-core (WCAG 2.x A/AA rules, colour
 * contrast included) finds no serious or critical violation; at 390 px nothing sticks out sideways
 * (the navigation included: every page's link is on screen); an unknown URL gets the app's own
 * not-found page. Screenshots of each go to test-results/.
 */

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let ids: { threadId: string; customerId: number };
test.beforeAll(async () => {
  ids = await withDb(async (c) => {
    const { rows } = await c.query<{ id: string; customer_id: number }>(`
      select t.id, t.customer_id::int from shared_threads t
      where t.customer_id is not null and exists (select 1 from appointments a where a.customer_id = t.customer_id)
      order by t.last_message_at desc nulls last, t.id desc limit 1`);
    return { threadId: rows[0]!.id, customerId: rows[0]!.customer_id };
  });
});

/** Pages with what shows they finished loading (axe on a skeleton would check the wrong page). */
const PAGES: Array<{ name: string; url: () => string; ready: (p: Page) => Promise<void> }> = [
  { name: 'conversations', url: () => '/conversations', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  { name: 'thread', url: () => `/conversations/${ids.threadId}`, ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  {
    name: 'bookings',
    url: () => `/bookings?customer=${ids.customerId}`,
    ready: (p) => expect(p.getByRole('tab', { name: /Past/ })).toBeVisible(),
  },
  { name: 'analytics', url: () => '/analytics', ready: (p) => expect(p.getByTestId('service-row').first()).toBeVisible() },
  { name: 'database', url: () => '/database', ready: (p) => expect(p.getByText(/Loading/)).toHaveCount(0, { timeout: 30_000 }) },
  { name: 'webhooks', url: () => '/webhooks', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  { name: 'attribution', url: () => '/attribution', ready: (p) => expect(p.getByRole('heading', { level: 1 })).toBeVisible() },
  { name: 'not-found', url: () => '/no/such/page', ready: (p) => expect(p.getByRole('heading', { name: 'Page not found' })).toBeVisible() },
];

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** Elements whose right edge is past the viewport, outside any sideways-scrolling container. */
function cutOff(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrolls = (el: Element | null): boolean => {
      for (; el; el = el.parentElement) {
        const o = getComputedStyle(el).overflowX;
        if ((o === 'auto' || o === 'scroll' || o === 'hidden') && el !== document.documentElement && el !== document.body) return true;
      }
      return false;
    };
    const out: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= width + 1) continue;
      if (scrolls(el.parentElement)) continue;
      out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} right=${Math.round(r.right)}`);
    }
    return { width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 10) };
  });
}

test.use({ storageState: STORAGE.admin });

for (const w of WIDTHS) {
  test.describe(`at ${w.width} px`, () => {
    test.use({ viewport: { width: w.width, height: w.height } });

    for (const p of PAGES) {
      test(`${p.name}: no serious or critical axe violations${w.name === 'phone' ? ', nothing cut off' : ''}`, async ({ page }) => {
        const res = await page.goto(p.url());
        if (p.name === 'not-found') expect(res?.status()).toBe(404);
        await p.ready(page);
        expect(await seriousViolations(page)).toEqual([]);
        if (w.name === 'phone') {
          const layout = await cutOff(page);
          expect(layout.out, `elements past the ${layout.width} px edge`).toEqual([]);
          expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
          // Every page's link in the top navigation is fully on screen.
          for (const link of await page.getByRole('navigation').getByRole('link').all()) {
            const box = await link.boundingBox();
            expect(box && box.x >= 0 && box.x + box.width <= layout.width, `${await link.textContent()} on screen`).toBe(true);
          }
        }
        await page.screenshot({ path: test.info().outputPath(`${p.name}-${w.name}.png`), fullPage: true });
      });
    }
  });
}

test('an unknown URL shows the sidebar and a way home', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Conversations' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to Conversations' }).click();
  await expect(page).toHaveURL(/\/conversations$/);
});

test('every control shows a visible focus ring (the conversations channel filter included)', async ({ page }) => {
  await page.goto('/conversations');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const missing: string[] = [];
  // Tab through the first controls of the page and check each one draws an outline when focused.
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const visible = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      return { visible, what: `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}"` };
    });
    if (info && !info.visible) missing.push(info.what);
  }
  expect(missing).toEqual([]);
});
