import { expect, test as setup } from '@playwright/test';
import { E2E_PASSWORD, STORAGE } from './env';

setup('a signed-out visitor is sent to sign in, and comes back after', async ({ page }) => {
  await page.goto('/analytics');
  await expect(page).toHaveURL(/\/login\?next=%2Fanalytics$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

setup('a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('staff@example.com');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-error')).toContainText('incorrect');
  await expect(page).toHaveURL(/\/login/);
});

for (const role of ['admin', 'staff'] as const) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(`${role}@example.com`);
    await page.getByLabel('Password').fill(E2E_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/conversations/);
    await expect(page.getByRole('navigation')).toContainText('Conversations');
    if (role === 'admin') await expect(page.getByRole('navigation')).toContainText('Cost analytics');
    else await expect(page.getByRole('navigation')).not.toContainText('Cost analytics');
    await page.context().storageState({ path: STORAGE[role] });
  });
}
