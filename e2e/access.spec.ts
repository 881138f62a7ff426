import { expect, test } from '@playwright/test';
import { STORAGE } from './env';

test.describe('staff', () => {
  test.use({ storageState: STORAGE.staff });

  test('is refused the analytics page and its data', async ({ page }) => {
    await page.goto('/analytics');
    await expect(page.getByRole('heading', { name: /Admins only/ })).toBeVisible();
    await expect(page.getByTestId('cost-chart')).toHaveCount(0);
    const res = await page.request.get(
      '/api/trpc/analytics.costByService?input=' + encodeURIComponent(JSON.stringify({ json: { days: 30 } })),
    );
    expect(res.status()).toBe(403);
  });

  test('does not see admin links in the sidebar', async ({ page }) => {
    await page.goto('/conversations');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Cost analytics' })).toHaveCount(0);
  });
});

test.describe('signed out', () => {
  test('API calls answer 401, pages send to sign in', async ({ page }) => {
    const res = await page.request.get('/api/trpc/conversations.list?input=' + encodeURIComponent(JSON.stringify({ json: {} })));
    expect(res.status()).toBe(401);
    await page.goto('/bookings?customer=1');
    await expect(page).toHaveURL(/\/login\?next=%2Fbookings%3Fcustomer%3D1/);
  });
});
