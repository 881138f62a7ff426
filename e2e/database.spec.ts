import { expect, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.admin });

test("the Overview's first screen shows the verdict and the redundant index finding, with its SQL", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/database');
  const verdict = page.getByRole('heading', { level: 2, name: /Healthy|needs? attention/ });
  await expect(verdict).toBeInViewport();
  // The seeded database carries the guide's thread_id index, which thread_created_idx makes redundant.
  const finding = page.locator('li', { has: page.getByText('Duplicate or redundant indexes') });
  await expect(finding).toContainText('shared_thread_messages_thread_id_idx');
  await expect(finding.locator('pre')).toHaveText('DROP INDEX CONCURRENTLY IF EXISTS shared_thread_messages_thread_id_idx;');
  await expect(finding.getByText('Duplicate or redundant indexes')).toBeInViewport();
  // The cost query reads its rollup by design: no warning about api_usage_analytics_idx.
  await expect(page.getByText(/does not use api_usage_analytics_idx/)).toHaveCount(0);
  // The read replica panel: this server has none, and says where reads go.
  const replication = page.getByTestId('replication');
  await expect(replication.getByTestId('replication-node')).toHaveText('Reads from the primary');
  await expect(replication).toContainText('DATABASE_REPLICA_URL is not set');
  await page.screenshot({ path: 'test-results/database-overview-1280.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/database-overview-390.png', fullPage: true });
});

test('each section has its URL; Activity lists sessions with cancel and end buttons', async ({ page }) => {
  await page.goto('/database?tab=activity');
  await expect(page.getByRole('link', { name: 'Activity' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Activity', exact: true })).toBeVisible();
  await expect(page.getByText(/busy of \d+ sessions in this database/)).toBeVisible();
  await page.screenshot({ path: 'test-results/database-activity-1280.png' });
  await page.getByRole('link', { name: 'Indexes' }).click();
  await expect(page).toHaveURL(/tab=indexes/);
  await expect(page.getByRole('heading', { name: 'Indexes', exact: true })).toBeVisible();
});

test('the Consistency tab finds the rollup and the thread summaries consistent with the seeded rows', async ({ page }) => {
  await page.goto('/database?tab=consistency');
  await expect(page.getByRole('heading', { name: 'Database health' })).toBeVisible();
  for (const title of ['Cost rollup consistency', 'Thread summaries']) {
    const section = page.locator('section', { has: page.getByRole('heading', { name: title }) });
    await expect(section.getByRole('status').filter({ hasText: /Consistent|stale|mismatches/ })).toContainText('Consistent');
  }
  // The summary check looked at real threads, not at an empty scope.
  const threads = page.locator('section', { has: page.getByRole('heading', { name: 'Thread summaries' }) });
  await expect(threads).toContainText(/The [\d,]+ threads of the newest 2,000 messages/);
});

test('the Queries tab lists index suggestions verified by the planner, and none for the dashboard queries', async ({ page }) => {
  // A table and a query without the index it needs, as a new report might send: the suggestion
  // must come from pg_stat_statements and HypoPG, never from the seeded (indexed) queries.
  const probe = 'select id, placed_at from e2e_probe_orders where customer_ref = 42 order by placed_at desc limit 10';
  await withDb(async (c) => {
    await c.query('drop table if exists e2e_probe_orders');
    await c.query('create table e2e_probe_orders (id serial primary key, customer_ref int not null, placed_at timestamptz not null)');
    await c.query(`insert into e2e_probe_orders (customer_ref, placed_at)
                   select g % 5000, now() - make_interval(mins => g) from generate_series(1, 300000) g`);
    await c.query('vacuum (analyze) e2e_probe_orders');
    for (let i = 0; i < 20; i++) await c.query(probe);
  });
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/database?tab=queries');
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Index suggestions' }) });
    await expect(section.getByText(/\d+ suggested · \d+ queries tried/)).toBeVisible({ timeout: 20_000 });
    const item = section.locator('li', { hasText: 'e2e_probe_orders' }).first();
    await expect(item).toContainText('Index suggested');
    await expect(item.locator('pre')).toContainText('CREATE INDEX CONCURRENTLY IF NOT EXISTS e2e_probe_orders_customer_ref');
    await expect(item).toContainText(/Plan cost[\d,]+ → [\d,]+ \(−\d+%\)/);
    // Every suggestion shown is for a pg_stat_statements statement, none for the dashboard's own queries.
    const suggested = section.locator(':scope > ul > li');
    for (const text of await suggested.allTextContents()) expect(text).toContain('pg_stat_statements');
    await item.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/database-suggestions-1280.png' });
    await page.setViewportSize({ width: 390, height: 844 });
    await item.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/database-suggestions-390.png' });
  } finally {
    await withDb((c) => c.query('drop table if exists e2e_probe_orders'));
  }
});
