import { expect, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.admin });

test('a missing event id says "not found", not a crash', async ({ page }) => {
  await page.goto('/webhooks?event=999999999');
  const panel = page.getByRole('region', { name: 'Event 999999999' });
  await expect(panel.getByRole('alert')).toContainText('Not found');
  await expect(panel).toContainText('There is no webhook event #999999999');
  await expect(page.getByText(/Minified React error|Try again/)).toHaveCount(0);
  // The rest of the page still works.
  await expect(page.getByRole('heading', { name: 'Events' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('webhooks-not-found-1280.png'), fullPage: true });
});

test("a failed event's panel shows its full error, and the list links to it", async ({ page }) => {
  // The dead or failed event with the longest error: the list cuts it, the panel must not.
  const event = await withDb(async (c) => {
    const { rows } = await c.query<{ id: number; last_error: string; attempts: number }>(`
      select id::int, last_error, attempts from webhook_events
      where status in ('dead', 'failed') and last_error is not null
      order by length(last_error) desc, id desc limit 1`);
    return rows[0]!;
  });
  expect(event, 'the seed has a failed event').toBeTruthy();

  await page.goto(`/webhooks?status=dead&event=${event.id}`);
  const panel = page.getByRole('region', { name: `Event ${event.id}` });
  await expect(panel.getByTestId('last-error')).toHaveText(event.last_error);
  await expect(panel.getByRole('heading', { name: /Attempt history/ })).toBeVisible();
  await expect(panel).not.toContainText('No failed attempts');
  await page.screenshot({ path: test.info().outputPath('webhooks-failed-1280.png'), fullPage: true });

  // Event ids are links a new tab can open.
  const link = page.getByRole('link', { name: /^Open event \d+$/ }).first();
  await expect(link).toHaveAttribute('href', /[?&]event=\d+/);

  await page.setViewportSize({ width: 390, height: 844 });
  // Reloaded at phone width: a full-page capture right after a resize shows unpainted areas.
  await page.reload();
  await expect(panel.getByTestId('last-error')).toHaveText(event.last_error);
  await page.screenshot({ path: test.info().outputPath('webhooks-failed-390.png'), fullPage: true });
});

test('bulk replay counts the matching events before anything changes', async ({ page }) => {
  const dead = await withDb(
    async (c) => (await c.query<{ n: number }>(`select count(*)::int as n from webhook_events where status = 'dead'`)).rows[0]!.n,
  );
  await page.goto('/webhooks');
  const count = page.getByRole('button', { name: 'Count events' });
  // A click on the summary before hydration is undone by it: open until it stays open.
  await expect(async () => {
    if (!(await count.isVisible())) await page.getByText('Bulk replay', { exact: true }).click();
    await expect(count).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await count.click();
  await expect(page.getByTestId('bulk-count')).toHaveText(`${dead.toLocaleString('en-US')} event${dead === 1 ? '' : 's'} match`);
  await page.screenshot({ path: test.info().outputPath('webhooks-bulk-1280.png'), fullPage: true });
  // Nothing replayed by counting (the e2e database is shared by the other specs).
  const after = await withDb(
    async (c) => (await c.query<{ n: number }>(`select count(*)::int as n from webhook_events where status = 'dead'`)).rows[0]!.n,
  );
  expect(after).toBe(dead);
});

test('the event type narrows the events list and a bulk replay alike', async ({ page }) => {
  const { type, dead } = await withDb(
    async (c) =>
      (
        await c.query<{ type: string; dead: number }>(`
          select event_type as type, count(*)::int as dead from webhook_events
          where status = 'dead' group by 1 order by 2 desc, 1 limit 1`)
      ).rows[0]!,
  );
  await page.goto('/webhooks');
  // The list's filter (the bulk replay's is inside its closed panel).
  const listType = page.getByLabel('Event type').filter({ visible: true });
  await expect(listType).toBeEnabled();
  await listType.selectOption(type);
  await expect(page).toHaveURL(new RegExp(`[?&]type=${encodeURIComponent(type)}`));
  await expect(page.locator('table tbody tr').first()).toContainText(type);

  const bulk = page.locator('details').filter({ hasText: 'Bulk replay' });
  const count = bulk.getByRole('button', { name: 'Count events' });
  await expect(async () => {
    if (!(await count.isVisible())) await page.getByText('Bulk replay', { exact: true }).click();
    await expect(count).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await bulk.getByLabel('Event type').selectOption(type);
  await count.click();
  await expect(page.getByTestId('bulk-count')).toHaveText(`${dead.toLocaleString('en-US')} event${dead === 1 ? '' : 's'} match`);
  await page.screenshot({ path: test.info().outputPath('webhooks-type-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(bulk.getByLabel('Event type')).toHaveValue(type);
  await page.screenshot({ path: test.info().outputPath('webhooks-type-390.png'), fullPage: true });
});
