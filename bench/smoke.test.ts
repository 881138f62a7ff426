import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_URL } from '@/db/testing/database';
import { repoRoot, runBench } from './bench';
import { Cleanups } from './cleanup';
import { indexesOf0002 } from './indexes';
import { parseCli } from './cli';
import { renderImpactTable, renderReport } from './report';

async function benchDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: TEST_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like 'bench\\_%'`);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('npm run bench (smoke, tiny data, no HTTP)', () => {
  it('produces a complete table and drops its database', { timeout: 60_000 }, async () => {
    const before = await benchDatabases();
    const cli = parseCli(
      ['--rows', '5000', '--growth', '2000', '--skip-http', '--runs', '20'],
      { DATABASE_URL: TEST_ADMIN_URL },
      repoRoot(),
    );
    const cleanups = new Cleanups();
    const lines: string[] = [];
    let results;
    try {
      results = await runBench({
        ...cli.bench,
        writes: { rounds: 2, singleRows: 100, batches: 2, batchSize: 500 },
        log: (l) => lines.push(l),
        cleanups,
      });
    } finally {
      await cleanups.runAll();
    }

    // The guide's four operations (cost analytics both as served and raw) and those of the screens
    // added since (cost per customer, message search and triage filters, the schedule), each measured both ways.
    expect(results.operations.map((o) => o.key)).toEqual([
      'history',
      'bookings',
      'costByService',
      'costByServiceRaw',
      'costTodayRaw',
      'topSpenders',
      'topSpendersCompute',
      'customerCost',
      'budgetEvaluation',
      'otpRateLimit',
      'messageSearchCommon',
      'messageSearchRare',
      'messageSearchCommonOpen',
      'messageSearchRareWaiting',
      'messageSearchCommonCalls',
      'messageSearchNeverInCalls',
      'messageSearchNeverInCallsClosed',
      'messageSearchOnlyInCallsSms',
      'messageSearchCommonClosed',
      'messageSearchCommonWaitingCalls',
      'filterCustomer',
      'filterWaiting',
      'filterOpen',
      'filterVoice',
      'filterDates',
      'scheduleDay',
      'scheduleWeekStatus',
      'scheduleWeekSummary',
      'attribution30',
      'attributionYear',
    ]);
    const guideIndexes = new Set(indexesOf0002().map((i) => i.name));
    for (const o of results.operations) {
      for (const side of [o.without, o.with]) {
        expect(side.latency.runs).toBeGreaterThanOrEqual(20);
        expect(side.latency.medianMs).toBeGreaterThan(0);
        expect(side.latency.p95Ms).toBeGreaterThanOrEqual(side.latency.medianMs);
        expect(side.plans.length).toBeGreaterThan(0);
        expect(side.plans.every((p) => p.topNode && p.scans.length > 0)).toBe(true);
      }
      // Rolled back means rolled back: no plan without 0002 may use one of its nine indexes (the
      // indexes of later migrations, such as the cost-per-thread one, stay on both sides).
      expect(o.without.plans.flatMap((p) => p.indexes).filter((i) => guideIndexes.has(i))).toEqual([]);
      expect(o.ratio).toBeGreaterThan(0);
    }

    // The cost page reads the rollup on both sides, never api_usage.
    const dashboard = results.operations.find((o) => o.key === 'costByService')!;
    for (const side of [dashboard.without, dashboard.with]) {
      const scans = side.plans.flatMap((p) => p.scans);
      expect(scans.some((s) => s.includes('api_usage_daily'))).toBe(true);
      expect(scans.filter((s) => / api_usage$/.test(s) || s.includes('api_usage_analytics_idx'))).toEqual([]);
    }

    // The attribution funnel of whole days reads the rollup (0024), never the raw events.
    for (const key of ['attribution30', 'attributionYear']) {
      const funnel = results.operations.find((o) => o.key === key)!;
      for (const side of [funnel.without, funnel.with]) {
        const scans = side.plans.flatMap((p) => p.scans);
        expect(scans.some((s) => s.includes('attribution_funnel_daily'))).toBe(true);
        expect(scans.filter((s) => s.includes('attribution_data'))).toEqual([]);
      }
    }

    const table = renderImpactTable(results.operations).split('\n').slice(2);
    expect(table).toHaveLength(results.operations.length);
    for (const row of table) {
      const cells = row.split(' | ');
      expect(cells[2]).toMatch(/^\d+(\.\d+)? m?s \(p95 \d+(\.\d+)? m?s\)$/);
      expect(cells[3]).toMatch(/^\d+(\.\d+)? m?s \(p95 \d+(\.\d+)? m?s\)$/);
      expect(cells[4]).toMatch(/^\*\*\d+(\.\d+)?x\*\* \|$/);
    }

    expect(results.growth.map((g) => g.rows)).toEqual([2000, 5000]);
    expect(results.writes).toHaveLength(4);
    expect(results.writes.every((w) => w.withoutIndexes > 0 && w.withIndexes > 0)).toBe(true);
    expect(results.sizes.flatMap((s) => s.indexes)).toHaveLength(9);
    expect(results.apply!.perIndex).toHaveLength(9);
    expect(results.http).toBeNull();

    const md = renderReport(results);
    expect(md).toContain('## Performance Impact Table (5k rows)');
    expect(md).not.toMatch(/\| n\/a \|/);
    expect(md).toContain('Skipped: --skip-http.');

    expect(await benchDatabases()).toEqual(before);
  });
});
