import { expect, test } from '@playwright/test';
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
