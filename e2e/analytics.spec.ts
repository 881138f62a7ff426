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

    const db = await withDb(async (c) => {
      const { rows } = await c.query<{ cents: string; days_with_cost: number }>(
        `select coalesce(sum(estimated_cost_cents), 0)::text as cents,
                count(distinct (created_at at time zone $1)::date)::int as days_with_cost
         from api_usage
         where created_at >= (((now() at time zone $1)::date - ($2::int - 1))::timestamp at time zone $1)`,
        [TZ, days],
      );
      return { cents: Number(rows[0]!.cents), daysWithCost: rows[0]!.days_with_cost };
    });
    // The seed spends something every day, but today has nothing yet before business hours
    // (7:00 in the business time zone).
    expect(db.daysWithCost).toBeGreaterThanOrEqual(days - 1);

    // One group per day that cost something: bars of every service stack at the same x.
    const xs = await chart.locator('.recharts-bar-rectangle path, .recharts-bar-rectangle').evaluateAll((els) => {
      const centres = new Set<number>();
      for (const el of els) {
        const r = (el as SVGGraphicsElement).getBoundingClientRect();
        if (r.width > 0 && r.height > 0) centres.add(Math.round(r.left + r.width / 2));
      }
      return [...centres];
    });
    expect(xs.length).toBe(db.daysWithCost);

    const shownCents = Number(await page.getByTestId('cost-total').getAttribute('data-cents'));
    expect(shownCents).toBeCloseTo(db.cents, 2);

    // The table by service adds up to the same total (each row rounded to the cent on screen).
    const rows = page.getByTestId('service-row');
    await expect(rows.first()).toBeVisible();
    const rowCents = await rows.locator('td:nth-of-type(1)').allTextContents();
    expect(rowCents.length).toBeGreaterThan(1);
    const tableCents = rowCents.reduce((sum, text) => sum + Math.round(Number(text.replace(/[^0-9.]/g, '')) * 100), 0);
    expect(Math.abs(tableCents - db.cents)).toBeLessThanOrEqual(rowCents.length);
  });
}
