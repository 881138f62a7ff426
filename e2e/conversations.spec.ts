import { expect, type Locator, type Page, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.staff });

/** Ids of the messages the virtualized log has rendered, top to bottom, with their y positions. */
async function renderedMessages(page: Page): Promise<{ id: string; y: number }[]> {
  return page
    .getByTestId('message')
    .evaluateAll((els) =>
      els.map((el) => ({ id: el.getAttribute('data-message-id')!, y: el.getBoundingClientRect().top })).sort((a, b) => a.y - b.y),
    );
}

async function loadedCount(view: Locator): Promise<number> {
  const text = (await view.getByText(/ of [\d,]+ loaded/).textContent()) ?? '';
  return Number(text.split(' of ')[0]!.replace(/[^\d]/g, ''));
}

test('staff opens a long thread and loads older messages twice without losing position or repeating one', async ({ page }) => {
  const thread = await withDb(async (c) => {
    const { rows } = await c.query<{ id: string; message_count: number }>(
      'select id, message_count from shared_threads order by message_count desc limit 1',
    );
    return rows[0]!;
  });
  expect(thread.message_count).toBeGreaterThan(1000);

  await page.goto('/conversations');
  await expect(page.getByTestId('thread-row').first()).toBeVisible();
  await page.goto(`/conversations/${thread.id}`);
  const view = page.getByTestId('thread-view');
  await expect(view.getByTestId('message').first()).toBeVisible();
  const firstPage = await loadedCount(view);
  expect(firstPage).toBeGreaterThan(0);

  let loaded = firstPage;
  for (let round = 1; round <= 2; round++) {
    const before = await renderedMessages(page);
    const anchor = before[0]!; // the oldest message on screen: what the reader is looking at
    await view.getByTestId('load-older').click();
    await expect.poll(() => loadedCount(view)).toBe(loaded + firstPage);
    loaded += firstPage;
    // Reading position kept: the same message is still on screen, where it was (within a few px).
    await expect
      .poll(async () => {
        const after = await renderedMessages(page);
        const same = after.find((m) => m.id === anchor.id);
        return same ? Math.abs(same.y - anchor.y) : Number.POSITIVE_INFINITY;
      })
      .toBeLessThan(8);
  }

  // No message repeated or skipped: walk the log from the newest message upwards, collecting ids
  // with their offset in the log, stopping short of the top (where the log loads older pages by
  // itself), and compare with the thread's newest messages in the database, oldest first.
  const scroller = view.getByRole('log');
  const offsets = new Map<string, number>();
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  for (let i = 0; i < 400; i++) {
    const batch = await scroller.evaluate((log) => {
      const top = log.getBoundingClientRect().top - log.scrollTop;
      return [...log.querySelectorAll('[data-testid="message"]')].map((m) => ({
        id: m.getAttribute('data-message-id')!,
        at: m.getBoundingClientRect().top - top,
      }));
    });
    for (const m of batch) offsets.set(m.id, m.at);
    const atTop = await scroller.evaluate((el) => {
      if (el.scrollTop <= 260) return true;
      el.scrollTop = Math.max(260, el.scrollTop - el.clientHeight * 0.8);
      return false;
    });
    if (atTop) break;
    await page.waitForTimeout(40);
  }
  const seen = [...offsets.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  loaded = await loadedCount(view);
  const newest = await withDb(async (c) => {
    const { rows } = await c.query<{ id: string }>(
      `select id::text from (select id, created_at from shared_thread_messages where thread_id = $1
         order by created_at desc, id desc limit $2) t order by created_at, id`,
      [thread.id, loaded],
    );
    return rows.map((r) => r.id);
  });
  expect(seen.length).toBeGreaterThanOrEqual(2 * firstPage);
  const expected = newest.slice(newest.length - seen.length);
  expect(seen).toEqual(expected);
});

test('the thread list filters by channel and every row carries that channel', async ({ page }) => {
  await page.goto('/conversations?channel=voice');
  const rows = page.getByTestId('thread-row');
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  for (let i = 0; i < Math.min(n, 10); i++) await expect(rows.nth(i)).toContainText(/voice/i);
});
