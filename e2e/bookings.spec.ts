import { expect, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.staff });

test('staff looks up a customer by phone and sees their bookings in the right tabs', async ({ page }) => {
  // A customer with bookings in every tab, chosen from the data.
  const customer = await withDb(async (c) => {
    const { rows } = await c.query<{ id: number; phone: string; upcoming: number; past: number; cancelled: number }>(`
      select c.id::int, c.phone,
             count(*) filter (where a.status <> 'cancelled' and a.date >= now())::int as upcoming,
             count(*) filter (where a.status <> 'cancelled' and a.date < now())::int as past,
             count(*) filter (where a.status = 'cancelled')::int as cancelled
      from customers c join appointments a on a.customer_id = c.id
      where c.phone is not null
      group by c.id
      having count(*) filter (where a.status <> 'cancelled' and a.date >= now()) > 0
         and count(*) filter (where a.status <> 'cancelled' and a.date < now()) > 0
         and count(*) filter (where a.status = 'cancelled') > 0
      order by c.id limit 1`);
    return rows[0]!;
  });
  expect(customer, 'the seed has a customer with upcoming, past and cancelled bookings').toBeTruthy();

  await page.goto('/bookings');
  const digits = customer.phone.replace(/^\+1/, '');
  // Typed the way people type phone numbers.
  await page.getByTestId('customer-search').fill(`(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`);
  const option = page.locator(`[data-testid="customer-option"][data-customer-id="${customer.id}"]`);
  await expect(option).toBeVisible();
  await option.click();
  await expect(page).toHaveURL(new RegExp(`customer=${customer.id}`));
  await expect(page.getByTestId('customer-card')).toBeVisible();

  const expectations = [
    ['Upcoming', customer.upcoming, (s: string) => s !== 'cancelled'],
    ['Past', customer.past, (s: string) => s !== 'cancelled'],
    ['Cancelled', customer.cancelled, (s: string) => s === 'cancelled'],
  ] as const;
  for (const [name, count, statusOk] of expectations) {
    await page.getByRole('tab', { name }).click();
    await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
    const rows = page.getByTestId('appointment-row');
    await expect(rows.first()).toBeVisible();
    // The first page: every appointment of the tab, up to the page size (20), never fewer.
    await expect(rows).toHaveCount(Math.min(count, 20));
    const statuses = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')!));
    for (const s of statuses) expect(statusOk(s), `${name} shows status ${s}`).toBe(true);
  }
});
