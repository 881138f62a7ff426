import { expect, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.staff });

const TZ = process.env.BUSINESS_TIME_ZONE || 'America/Chicago';

/** Today's bookings in the business time zone, counted from the data itself. */
async function todayCounts(technician?: string) {
  return withDb(async (c) => {
    const { rows } = await c.query<{ total: number; tech: string | null }>(
      `select count(*)::int as total,
              (select technician from appointments
                where (date at time zone $1)::date = (now() at time zone $1)::date and technician is not null
                group by technician order by count(*) desc, technician limit 1) as tech
         from appointments
        where (date at time zone $1)::date = (now() at time zone $1)::date
          and ($2::text is null or technician = $2)`,
      [TZ, technician ?? null],
    );
    return rows[0]!;
  });
}

test('staff open today, filter by a technician, and open a booking’s customer', async ({ page }) => {
  const today = await todayCounts();
  expect(today.total, 'the seed has bookings today').toBeGreaterThan(0);

  await page.goto('/');
  await page.getByRole('navigation').getByRole('link', { name: 'Schedule', exact: true }).click();
  await expect(page).toHaveURL(/\/schedule$/);
  await expect(page.getByRole('heading', { level: 2 })).toContainText('Today');
  await expect(page.getByRole('heading', { level: 2 })).toContainText(`${today.total.toLocaleString('en-US')} booking`);
  const rows = page.getByTestId('schedule-booking');
  await expect(rows).toHaveCount(Math.min(today.total, 50));
  await page.screenshot({ path: test.info().outputPath('schedule-day-1280.png'), fullPage: true });

  // Filter by the busiest technician of the day: the URL says so, every row is theirs, and the count matches the data.
  const tech = today.tech!;
  const theirs = await todayCounts(tech);
  await page.getByLabel('Technician').selectOption(tech);
  await expect(page).toHaveURL(new RegExp(`technician=${encodeURIComponent(tech).replace(/%20/g, '(\\+|%20)')}`));
  await expect(page.getByRole('heading', { level: 2 })).toContainText(`${theirs.total.toLocaleString('en-US')} booking`);
  await expect(rows).toHaveCount(Math.min(theirs.total, 50));
  const techs = await rows.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-technician')))]);
  expect(techs).toEqual([tech]);

  // Open the first booking's customer: their bookings page with the card.
  const first = rows.first();
  const name = await first.getByRole('link').first().innerText();
  await first.getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(/\/bookings\?customer=\d+/);
  await expect(page.getByTestId('customer-card')).toContainText(name);
  await expect(page.getByTestId('service-address')).toBeVisible();
});

test('the week view counts each day and reads on a phone', async ({ page }) => {
  await page.goto('/schedule?view=week');
  const strip = page.getByRole('region', { name: 'Bookings per day' });
  await expect(strip.getByRole('button')).toHaveCount(7);
  await page.screenshot({ path: test.info().outputPath('schedule-week-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/schedule');
  await expect(page.getByTestId('schedule-booking').first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('schedule-day-390.png') });
  await page.getByTestId('schedule-booking').nth(3).scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('schedule-day-390-list.png') });
  await page.goto('/schedule?view=week');
  await expect(strip.getByRole('button')).toHaveCount(7);
  await page.screenshot({ path: test.info().outputPath('schedule-week-390.png'), fullPage: false });
});
