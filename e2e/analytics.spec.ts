import { expect, test } from '@playwright/test';
import { withDb } from './db';
import { STORAGE } from './env';

test.use({ storageState: STORAGE.admin });

const TZ = process.env.BUSINESS_TIME_ZONE ?? 'America/Chicago';

for (const days of [30, 7]) {
  test(`admin sees ${days} complete days of cost: one bar group per day, totals equal the database's own sum`, async ({ page }) => {
    await page.goto(days === 30 ? '/analytics' : `/analytics?days=${days}`);
    const chart = page.getByTestId('cost-chart');
    await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();

    const db = await withDb(async (c) => {
      const { rows } = await c.query<{ cents: string; days_with_cost: number }>(
        `select coalesce(sum(estimated_cost_cents), 0)::text as cents,
                count(distinct (created_at at time zone $1)::date)::int as days_with_cost
         from api_usage
         where created_at >= (((now() at time zone $1)::date - $2::int)::timestamp at time zone $1)
           and created_at < ((now() at time zone $1)::date::timestamp at time zone $1)`,
        [TZ, days],
      );
      return { cents: Number(rows[0]!.cents), daysWithCost: rows[0]!.days_with_cost };
    });
    // The N complete days before today (still open, shown apart): the seed spends on every one.
    expect(db.daysWithCost).toBe(days);

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

test('an admin sets a monthly budget and sees spend and projection against it; the chart has a table view', async ({ page }) => {
  await withDb((c) => c.query(`delete from cost_budgets where service in ('*', 'openai')`));
  try {
    await page.goto('/analytics?days=7');
    await expect(page.getByRole('figure', { name: /Stacked bar chart of the daily cost/ })).toBeVisible();
    await expect(page.getByTestId('cost-change')).toContainText('vs the 7 complete days before');
    await expect(page.getByTestId('cost-today')).toContainText('still open');

    await page.getByRole('button', { name: 'View as table' }).click();
    await expect(page.getByTestId('daily-table').locator('tbody tr')).toHaveCount(7);
    await page.getByRole('button', { name: 'View as chart' }).click();
    // Who drives the cost: linked customers and conversations.
    await expect(page.getByTestId('top-customers').locator('tbody a').first()).toHaveAttribute('href', /^\/bookings\?customer=\d+$/);
    await expect(page.getByTestId('top-threads').locator('tbody a').first()).toHaveAttribute('href', /^\/conversations\/[0-9a-f-]{36}$/);

    const form = page.getByRole('form', { name: 'Set a monthly budget' });
    await form.getByLabel('Service').selectOption('*');
    await form.getByLabel('Monthly budget ($)').fill('1,500.50');
    await form.getByRole('button', { name: 'Save budget' }).click();
    const row = page.getByTestId('budget-row').filter({ hasText: 'All services' });
    await expect(row).toContainText('$1,500.50');
    const stored = await withDb((c) =>
      c.query<{ monthly_cents: string }>(`select monthly_cents::text from cost_budgets where service = '*'`),
    );
    expect(stored.rows[0]?.monthly_cents).toBe('150050');

    await form.getByLabel('Monthly budget ($)').fill('abc');
    await form.getByRole('button', { name: 'Save budget' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Enter the monthly budget in dollars' })).toBeVisible();

    for (const [name, width, height] of [
      ['desktop', 1280, 900],
      ['phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: `e2e/out/analytics-${name}.png`, fullPage: true });
    }
    // On a phone the chart comes before the cards.
    const chartTop = (await page.getByTestId('cost-chart').boundingBox())!.y;
    const cardsTop = (await page.getByTestId('cost-total').boundingBox())!.y;
    expect(chartTop).toBeLessThan(cardsTop);

    await row.getByRole('button', { name: /Remove/ }).click();
    await expect(page.getByTestId('budget-row')).toHaveCount(0);
  } finally {
    await withDb((c) => c.query(`delete from cost_budgets where service in ('*', 'openai')`));
  }
});
