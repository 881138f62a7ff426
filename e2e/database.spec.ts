import { expect, test } from '@playwright/test';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.admin });

test('the database page finds the rollup and the thread summaries consistent with the seeded rows', async ({ page }) => {
  await page.goto('/database');
  await expect(page.getByRole('heading', { name: 'Database health' })).toBeVisible();
  for (const title of ['Cost rollup consistency', 'Thread summaries']) {
    const section = page.locator('section', { has: page.getByRole('heading', { name: title }) });
    await expect(section.getByRole('status').filter({ hasText: /Consistent|stale|mismatches/ })).toContainText('Consistent');
  }
  // The summary check looked at real threads, not at an empty scope.
  const threads = page.locator('section', { has: page.getByRole('heading', { name: 'Thread summaries' }) });
  await expect(threads).toContainText(/The [\d,]+ threads of the newest 2,000 messages/);
});
