/**
 * Screenshots of each page from a running dashboard, for the README and for looking at the app:
 *   BASE_URL=http://localhost:3000 PASSWORD=... npx tsx scripts/screenshots.ts [outDir]
 * Uses the system Chromium (see e2e/chromium.ts), desktop (1280px) and phone (390px) widths.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/chromium';

const base = process.env.BASE_URL ?? 'http://localhost:3000';
const password = process.env.PASSWORD ?? process.env.DEMO_PASSWORD;
if (!password) throw new Error('Set PASSWORD (the demo password printed by npm start).');
const out = path.resolve(process.argv[2] ?? 'docs/screenshots');
mkdirSync(out, { recursive: true });
const pages = (process.env.PAGES ?? '/conversations,/bookings,/analytics,/database').split(',');

const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
for (const [label, viewport] of [
  ['desktop', { width: 1280, height: 860 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  const context = await browser.newContext({ viewport, colorScheme: (process.env.COLOR_SCHEME as 'light' | 'dark') ?? 'light' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(process.env.EMAIL ?? 'admin@example.com');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/conversations/);
  for (const p of pages) {
    await page.goto(`${base}${p}`);
    await page.waitForLoadState('load');
    await page.waitForTimeout(1500);
    const name = `${p.replace(/^\//, '').replace(/[^\w]+/g, '-') || 'home'}-${label}.png`;
    await page.screenshot({ path: path.join(out, name), fullPage: label === 'desktop' });
    console.log(path.join(out, name));
  }
  await context.close();
}
await browser.close();
