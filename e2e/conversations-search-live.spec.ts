import { expect, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.staff });

test('search "furnace": a message hit opens its thread at that message, highlighted', async ({ page }) => {
  await page.goto('/conversations');
  await page.getByTestId('conversation-search').fill('furnace');
  const hit = page.getByTestId('message-hit').first();
  await expect(hit).toBeVisible();
  await expect(hit.locator('mark').first()).toHaveText(/furnace/i);
  const messageId = await hit.getAttribute('data-message-id');
  await page.screenshot({ path: test.info().outputPath('search-furnace.png'), fullPage: true });
  await hit.click();
  await expect(page).toHaveURL(new RegExp(`\\?m=${messageId}$`));
  const message = page.locator(`[data-testid="message"][data-message-id="${messageId}"]`);
  await expect(message).toBeVisible();
  await expect(message).toHaveAttribute('data-highlighted', 'true');
  await expect(message).toContainText(/furnace/i);
  await page.screenshot({ path: test.info().outputPath('thread-at-hit.png') });
  // The phone width: the same thread, then the search results.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(message).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('thread-at-hit-390.png') });
  await page.goto('/conversations?q=furnace&waiting=true');
  await expect(page.getByTestId('message-hit').first()).toBeVisible();
  // The hits honour the filters, and say so.
  await expect(page.getByTestId('hits-scope')).toHaveText('Only messages in waiting-on-us conversations.');
  await page.screenshot({ path: test.info().outputPath('search-furnace-390.png'), fullPage: true });
});

test('message hits honour the triage filters: calls only, open threads, a date range', async ({ page }) => {
  await page.goto('/conversations?q=heater&channel=voice&status=open&from=2026-09-01&to=2026-11-30');
  await expect(page.getByTestId('hits-scope')).toHaveText('Only calls written 2026-09-01 to 2026-11-30 in open conversations.');
  await expect(page.getByTestId('message-hit').first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('search-filtered.png'), fullPage: true });
  const ids = await page.getByTestId('message-hit').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-message-id'))));
  // Every hit is a call in an open thread written in the range, as the database says.
  const rows = await withDb(async (c) =>
    ids.length === 0
      ? []
      : (
          await c.query(
            `select m.channel, t.status, (m.created_at at time zone 'America/Chicago')::date::text as day
               from shared_thread_messages m join shared_threads t on t.id = m.thread_id where m.id = any($1::bigint[])`,
            [ids],
          )
        ).rows,
  );
  expect(ids.length).toBeGreaterThan(0);
  expect(rows).toHaveLength(ids.length);
  for (const r of rows) {
    expect(r.channel).toBe('voice');
    expect(r.status).toBe('open');
    expect(r.day >= '2026-09-01' && r.day <= '2026-11-30').toBe(true);
  }
});

test("the customer card link shows only that customer's threads, with a removable filter", async ({ page }) => {
  const customerId = await withDb(async (c) => {
    const { rows } = await c.query<{ id: string }>(
      'select customer_id as id from shared_threads where customer_id is not null group by 1 order by count(*) desc, 1 limit 1',
    );
    return Number(rows[0]!.id);
  });
  const expected = await withDb(async (c) => {
    const { rows } = await c.query<{ n: string }>(
      'select count(*) as n from shared_threads where customer_id = $1 and last_message_at is not null',
      [customerId],
    );
    return Number(rows[0]!.n);
  });
  await page.goto(`/conversations?customer=${customerId}`);
  await expect(page.getByTestId('customer-filter')).toBeVisible();
  await expect(page.getByTestId('thread-row')).toHaveCount(Math.min(expected, 30));
  await expect(page.getByTestId('list-count')).toContainText(`of ${expected}`);
  await page.getByRole('button', { name: 'Remove the customer filter' }).click();
  await expect(page.getByTestId('customer-filter')).toHaveCount(0);
  await expect(page).not.toHaveURL(/customer=/);
});

test('a message inserted with SQL appears in the open thread and at the top of the list within 2 s', async ({ page, browser }) => {
  const thread = await withDb(async (c) => {
    const { rows } = await c.query<{ id: string }>(
      `select id from shared_threads where last_message_at is not null order by last_message_at asc limit 1 offset 10`,
    );
    return rows[0]!.id;
  });
  await page.goto(`/conversations/${thread}`);
  await expect(page.getByTestId('message').first()).toBeVisible();
  const list = await browser.newPage({ storageState: STORAGE.staff });
  await list.goto('/conversations');
  await expect(list.getByTestId('thread-row').first()).toBeVisible();
  // Let both pages' event streams connect before the insert.
  await page.waitForTimeout(1000);

  const body = `Live check ${Date.now()}: the furnace is making a noise again`;
  const started = Date.now();
  await withDb((c) =>
    c.query(
      `insert into shared_thread_messages (thread_id, channel, direction, author_type, body, created_at)
       values ($1, 'sms', 'inbound', 'customer', $2, now())`,
      [thread, body],
    ),
  );
  await expect(page.getByTestId('thread-view').getByText(body)).toBeVisible({ timeout: 2000 });
  const inThread = Date.now() - started;
  await expect(list.getByTestId('thread-row').first()).toHaveAttribute('data-thread-id', thread, { timeout: 2000 });
  const inList = Date.now() - started;
  test.info().annotations.push({ type: 'live', description: `in thread ${inThread} ms, top of list ${inList} ms` });
  console.log(`live: message on screen ${inThread} ms after INSERT; thread at the top of the list ${inList} ms`);
  await page.screenshot({ path: test.info().outputPath('live-thread.png') });
  await list.screenshot({ path: test.info().outputPath('live-list.png') });
  await list.close();
});
