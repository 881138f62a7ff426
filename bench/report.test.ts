import { describe, expect, it } from 'vitest';
import {
  describePlan,
  growthVerdict,
  overheadCell,
  renderFindings,
  renderImpactTable,
  renderReport,
  rollupFindings,
  renderGrowthTable,
  spendersFindings,
  table,
} from './report';
import { summarize } from './stats';
import type { BenchResults, OperationResult, PlanNode } from './types';

const seq = (t: string): PlanNode => ({ topNode: 'Limit', scans: [`Seq Scan on ${t}`], indexes: [], seqScans: [t], totalCost: 1000 });
const idx = (i: string, top = 'Limit'): PlanNode => ({
  topNode: top,
  scans: [`Index Scan Backward using ${i}`],
  indexes: [i],
  seqScans: [],
  totalCost: 5,
});
const lat = (ms: number) => summarize([ms * 0.9, ms, ms, ms * 1.1]);

function op(key: string, label: string, without: number, withMs: number, index: string, claim: OperationResult['claim']): OperationResult {
  return {
    key,
    label,
    queryFunction: `server/queries/x.ts#${key}`,
    claim,
    without: { latency: lat(without), plans: [seq('t')] },
    with: { latency: lat(withMs), plans: [idx(index)] },
    ratio: without / withMs,
    expectedIndexes: [index],
    guidePlan: `Index Scan using ${index}`,
  };
}

function g(withoutMedianMs: number, withMedianMs: number, withoutMinMs: number, withMinMs: number) {
  return { withoutMedianMs, withMedianMs, withoutMinMs, withMinMs, withoutRuns: 50, withRuns: 50 };
}

function fixture(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    command: 'npm run bench -- --rows 1000000',
    machine: {
      cpuModel: 'AMD EPYC',
      cores: 2,
      ramGiB: 23,
      postgres: 'PostgreSQL 15.20',
      node: 'v20.20.2',
      os: 'Linux',
      date: '2026-11-24 03:00 UTC',
      database: 'postgresql',
    },
    rows: 1_000_000,
    counts: { shared_thread_messages: 1_000_000, appointments: 1_000_000 },
    operations: [
      op('history', 'Load conversation history', 80, 0.2, 'shared_thread_messages_thread_created_idx', {
        withoutMs: 2000,
        withMs: 20,
        ratio: 100,
      }),
      op('costByService', 'Admin cost analytics', 120, 14, 'api_usage_analytics_idx', { withoutMs: 5000, withMs: 250, ratio: 20 }),
    ],
    growth: [
      { rows: 100_000, counts: {}, operations: { history: g(8, 0.2, 7, 0.15), costByService: g(12, 1.4, 11, 1.3) } },
      { rows: 1_000_000, counts: {}, operations: { history: g(80, 0.2, 70, 0.15), costByService: g(120, 14, 110, 13) } },
    ],
    writes: [
      {
        table: 'api_usage',
        mode: 'batch',
        rows: 20_000,
        batchSize: 1000,
        withoutIndexes: 100_000,
        withIndexes: 80_000,
        cpuUsPerRow: { without: 8, with: 10, withTrigger: 10.5 },
        indexOverhead: 0.2,
        indexOverheadNoise: 0.03,
        overheadBasis: 'backend CPU',
        withIndexesAndTrigger: 76_000,
        triggerOverhead: 0.05,
        triggerOverheadNoise: 0.04,
        triggers: ['api_usage_daily_ins'],
        otherIndexes: ['api_usage_pkey'],
      },
    ],
    sizes: [
      {
        table: 'shared_thread_messages',
        rows: 1_000_000,
        tableBytes: 200 * 1024 ** 2,
        indexes: [
          { name: 'shared_thread_messages_thread_id_idx', bytes: 30 * 1024 ** 2 },
          { name: 'shared_thread_messages_thread_created_idx', bytes: 60 * 1024 ** 2 },
        ],
      },
    ],
    apply: { plainMs: 9000, concurrentMs: 15000, perIndex: [{ name: 'api_usage_analytics_idx', plainMs: 1000, concurrentMs: 1800 }] },
    commitMs: 6.5,
    rollup: null,
    http: [
      {
        procedure: 'session.me',
        connections: 50,
        durationS: 10,
        requests: 30_000,
        requestsPerSec: 3000,
        p50Ms: 15,
        p95Ms: 20,
        p99Ms: 25,
        maxMs: 60,
        non2xx: 0,
        errors: 0,
        timeouts: 0,
        single: { requestsPerSec: 200, p50Ms: 4.5, p95Ms: 6 },
      },
      {
        procedure: 'conversations.history',
        connections: 50,
        durationS: 10,
        requests: 20_000,
        requestsPerSec: 2000,
        p50Ms: 20,
        p95Ms: 30,
        p99Ms: 40,
        maxMs: 90,
        non2xx: 0,
        errors: 0,
        timeouts: 0,
        single: { requestsPerSec: 110, p50Ms: 8.5, p95Ms: 12 },
        baseline: { requests: 40_000, requestsPerSec: 4000, p50Ms: 10, p95Ms: 15, p99Ms: 20, non2xx: 0, errors: 0 },
      },
    ],
    httpSkipped: null,
    timings: { total: 420, seed: 100 },
    notes: [],
    ...overrides,
  };
}

describe('table', () => {
  it('renders a GitHub table and escapes pipes', () => {
    expect(table(['a', 'b'], [['1', 'x|y']])).toBe('| a | b |\n|---|---|\n| 1 | x\\|y |');
  });
});

describe('renderImpactTable', () => {
  it("has the guide's columns and one row per operation with claim, both sides and the ratio", () => {
    const lines = renderImpactTable(fixture().operations).split('\n');
    expect(lines[0]).toBe('| Operation | Guide claim (without → with, ratio) | Measured without | Measured with | Measured ratio |');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe(
      '| Load conversation history | ~2000 ms → ~20 ms, 100x | 80.0 ms (p95 86.8 ms) | 0.200 ms (p95 0.217 ms) | **400x** |',
    );
    expect(lines[3]).toContain('| Admin cost analytics | ~5000 ms → ~250 ms, 20x |');
    expect(lines[3]).toContain('**8.6x**');
  });

  it('shows a dash for an operation the guide makes no claim about', () => {
    const o = { ...fixture().operations[0]!, claim: null };
    expect(renderImpactTable([o]).split('\n')[2]).toContain('| Load conversation history | — |');
  });
});

describe('describePlan', () => {
  it('names the top node and every scan with its index', () => {
    expect(describePlan([idx('a_idx')])).toBe('Limit: Index Scan Backward using a_idx');
    expect(describePlan([seq('t'), idx('b_idx', 'Aggregate')])).toBe('Limit: Seq Scan on t; Aggregate: Index Scan Backward using b_idx');
    expect(describePlan([])).toBe('n/a');
  });
});

describe('growthVerdict', () => {
  const r = fixture();
  it('says flat for a constant time and "grows with the table" for a linear one', () => {
    expect(growthVerdict(r.growth, 'history', 'with')).toBe('n^0.00, fastest n^0.00: flat');
    expect(growthVerdict(r.growth, 'history', 'without')).toBe('n^1.00, fastest n^1.00: grows with the table');
    expect(growthVerdict(r.growth, 'costByService', 'with')).toBe('n^1.00, fastest n^1.00: grows with the table');
  });
  it('does not call a median inflated by a burst of load growth when the fastest run stays flat', () => {
    const points = [
      { rows: 100_000, counts: {}, operations: { x: g(10, 0.65, 9, 0.4) } },
      { rows: 1_000_000, counts: {}, operations: { x: g(100, 4.1, 90, 0.45) } },
    ];
    expect(growthVerdict(points, 'x', 'with')).toBe('n^0.80, fastest n^0.05: flat');
  });
  it('is n/a with a single size', () => {
    expect(growthVerdict(r.growth.slice(0, 1), 'history', 'with')).toBe('n/a');
  });
});

describe('rollupFindings', () => {
  it("sets the cost page's medians at every size against issue 11's 2 ms, with the raw read of one day beside them", () => {
    const points = [
      { rows: 1_000_000, counts: {}, operations: { costByService: g(1.2, 1.1, 1, 1), costTodayRaw: g(30, 0.9, 28, 0.8) } },
      { rows: 10_000_000, counts: {}, operations: { costByService: g(1.3, 1.2, 1, 1), costTodayRaw: g(300, 8, 280, 7) } },
    ];
    expect(rollupFindings({ growth: points })).toEqual([
      'Issue 11 (the cost page under 2 ms median at any size): `analytics.costByService` takes 1.10 ms at 1M, 1.20 ms at 10M (met). ' +
        "Reading the still-open day from `api_usage`, as the issue first asked, would cost 0.900 ms at 1M, 8.00 ms at 10M on its own: the day's rows grow with the table, so today comes from the rollup too.",
    ]);
  });
  it('names the sizes where the target is missed, and says nothing without the operation', () => {
    const points = [{ rows: 10_000_000, counts: {}, operations: { costByService: g(3, 2.5, 2, 2) } }];
    expect(rollupFindings({ growth: points })[0]).toContain('takes 2.50 ms at 10M (missed at 10M).');
    expect(rollupFindings({ growth: [{ rows: 1, counts: {}, operations: {} }] })).toEqual([]);
  });
});

describe('spendersFindings', () => {
  it("judges issue 21's 5 ms at 1M and 10M only, naming the sizes missed", () => {
    const points = [
      { rows: 100_000, counts: {}, operations: { topSpenders: g(9, 9, 8, 8) } },
      { rows: 1_000_000, counts: {}, operations: { topSpenders: g(4, 4, 3, 3) } },
      { rows: 10_000_000, counts: {}, operations: { topSpenders: g(40, 40, 30, 30) } },
    ];
    const [f] = spendersFindings({ growth: points });
    expect(f).toContain('takes 9.00 ms at 100k, 4.00 ms at 1M, 40.0 ms at 10M (missed at 10M).');
    expect(spendersFindings({ growth: points.slice(0, 2) })[0]).toContain('(met).');
    expect(spendersFindings({ growth: points.slice(0, 1) })[0]).toContain('(not measured at 1M or 10M).');
    expect(spendersFindings({ growth: [{ rows: 1, counts: {}, operations: {} }] })).toEqual([]);
  });
  it('reports the cache miss (the compute) beside the hit', () => {
    const points = [
      { rows: 1_000_000, counts: {}, operations: { topSpenders: g(0.5, 0.5, 0.4, 0.4), topSpendersCompute: g(300, 300, 280, 280) } },
    ];
    const [f] = spendersFindings({ growth: points });
    expect(f).toContain('takes 0.500 ms at 1M (met).');
    expect(f).toContain('computes it from the (day, thread) rollup: 300 ms at 1M');
  });
});

describe('renderGrowthTable', () => {
  it('names the plan at every size for the operations that ask for it', () => {
    const ops = [{ ...fixture().operations[1]!, key: 'topSpenders', label: 'Top spenders', planAtEverySize: true }];
    const points = [
      { rows: 100_000, counts: {}, operations: { topSpenders: { ...g(2, 2, 1, 1), withPlan: 'Append: Index Only Scan using a' } } },
      { rows: 1_000_000, counts: {}, operations: { topSpenders: { ...g(9, 9, 8, 8), withPlan: 'Append: Seq Scan on b' } } },
    ];
    expect(renderGrowthTable(points, ops)).toContain('- Top spenders: 100k: Append: Index Only Scan using a · 1M: Append: Seq Scan on b');
    expect(renderGrowthTable(points, [{ ...ops[0]!, planAtEverySize: false }])).not.toContain('Plans with the indexes');
  });
});

describe('renderFindings', () => {
  const f = renderFindings(fixture()).join('\n');
  it("says where the guide's figures are off and whether the ratio holds", () => {
    expect(f).toContain('without indexes it takes 80.0 ms, not ~2000 ms (the claim is 25x too slow)');
    expect(f).toContain('the speed-up is 400x (claimed 100x: holds)');
    expect(f).toContain('the speed-up is 8.6x, short of the claimed 20x');
  });
  it('rejects "with indexes it stays constant" for an aggregate that grows', () => {
    expect(f).toMatch(/"With indexes, it stays constant" is wrong for \*\*Admin cost analytics\*\*/);
    expect(f).toContain('With indexes, load conversation history stay flat');
  });
  it('rejects the <5% write overhead when measured higher', () => {
    expect(f).toContain(
      '"Minimal (typically <5% overhead for 9 indexes)" is wrong: batched inserts lose `api_usage` 20% ±3% of their throughput',
    );
    expect(f).toContain('cost, on top of the indexes: `api_usage` batched 5% ±4% (within noise).');
  });
  it('checks the storage claims', () => {
    expect(f).toContain('"Each index: ~20-40% of table size" does not hold for shared_thread_messages_thread_id_idx 15%');
    expect(f).toContain(
      'Storage: all nine indexes take 90.0 MB here (1,000,000 messages, and the other tables as seeded); the guide\'s "~50-100MB for 1M messages" holds for the total (the two message indexes alone take 90 MB).',
    );
  });
  it('explains HTTP latency as queueing and reports errors', () => {
    expect(f).toContain('50,000 signed-in requests at 50 connections: no errors, no non-2xx responses.');
    expect(f).toContain('`conversations.history` 2,000 req/s: 50 / 2,000 ≈ 25.0 ms (measured p50 20.0 ms)');
    expect(f).toContain('One request alone costs 4.50 ms (p50) even for `session.me`');
    expect(f).toContain('would need about 2,000 req/s');
  });
  it('warns that absolute times are not comparable at another size', () => {
    expect(renderFindings(fixture({ rows: 5000 }))[0]).toContain('this run used 5k');
  });
  it("says when PostgreSQL picks a bitmap scan instead of the guide's Index Scan", () => {
    const r = fixture();
    r.operations[0]!.with.plans = [
      {
        topNode: 'Limit',
        scans: ['Bitmap Heap Scan on shared_thread_messages', 'Bitmap Index Scan on shared_thread_messages_thread_created_idx'],
        indexes: ['shared_thread_messages_thread_created_idx'],
        seqScans: [],
        totalCost: 9,
      },
    ];
    expect(renderFindings(r).join('\n')).toContain(
      'PostgreSQL chooses a Bitmap Index Scan on shared_thread_messages_thread_created_idx (and sorts), not the guide\'s "Index Scan using shared_thread_messages_thread_created_idx"',
    );
  });
  it('names an expected index the plan does not use', () => {
    const r = fixture();
    r.operations[0]!.with.plans = [seq('shared_thread_messages')];
    expect(renderFindings(r).join('\n')).toContain('the plan does not use `shared_thread_messages_thread_created_idx`');
  });
});

describe('overheadCell', () => {
  it('shows the noise and says when the overhead is within it', () => {
    expect(overheadCell(0.21, 0.03)).toBe('21% ±3%');
    expect(overheadCell(-0.08, 0.06)).toBe('-8% ±6% (within noise)');
    expect(overheadCell(0.05, 0.04)).toBe('5% ±4% (within noise)');
    expect(overheadCell(-0.1)).toBe('-10% (within noise)');
    expect(overheadCell(null)).toBe('n/a');
  });
});

describe('renderReport', () => {
  it('has every section, the machine and the command', () => {
    const md = renderReport(fixture());
    for (const heading of [
      '## Performance Impact Table (1M rows)',
      '## Where the guide is wrong',
      '## Query plans',
      '## Growth',
      '## Write cost',
      '## Index size against table size',
      '## Applying 0002',
      '## Over HTTP',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('AMD EPYC, 2 cores, 23 GiB RAM · PostgreSQL 15.20 · Node v20.20.2');
    expect(md).toContain('`npm run bench -- --rows 1000000`');
    expect(md).toContain(
      '| `conversations.history` | 50 × 10 s | 20,000 | 2,000 | 20.0 ms | 30.0 ms | 40.0 ms | 0 | 0 | 110 req/s, p50 8.50 ms |',
    );
    expect(md).toContain('| 100k rows: median (fastest) | 1M rows: median (fastest) |');
    expect(md).toContain(
      '| Admin cost analytics | with indexes | 1.40 ms (1.30 ms) | 14.0 ms (13.0 ms) | n^1.00, fastest n^1.00: grows with the table |',
    );
    expect(md).toContain('waits 6.50 ms for its commit');
    expect(md).toContain('Present in every column (not part of 0002): `api_usage`: api_usage_pkey; triggers api_usage_daily_ins.');
    expect(md).not.toContain('load average');
    expect(md).toContain(
      '| `api_usage` | 20,000 rows, 1,000 per INSERT | 100,000 rows/s · 8.0 µs CPU/row | 80,000 rows/s · 10.0 µs CPU/row | 20% ±3% |',
    );
  });
  it('breaks the trigger overhead down by feature and says budget alerts add none to inserts', () => {
    const base = fixture();
    const w = {
      ...base.writes[0]!,
      triggerOverhead: 0.3,
      triggerOverheadNoise: 0.02,
      triggerGroups: [
        {
          name: 'api_usage_daily',
          triggers: ['api_usage_daily_insert'],
          withTrigger: 90_000,
          cpuUsPerRow: 12,
          overhead: 0.17,
          overheadNoise: 0.02,
        },
        {
          name: 'api_usage_thread_daily',
          triggers: ['api_usage_thread_daily_insert'],
          withTrigger: 88_000,
          cpuUsPerRow: 13,
          overhead: 0.01,
          overheadNoise: 0.02,
        },
      ],
    };
    const budget = { ...base.operations[1]!, key: 'budgetEvaluation', label: 'Budget pass', with: { latency: lat(1.5), plans: [] } };
    const md = renderReport({ ...base, writes: [w], operations: [...base.operations, budget] });
    expect(md).toContain(
      '- `api_usage`, 1,000 rows per INSERT: `api_usage_daily_insert`: 17% ±2% · `api_usage_thread_daily_insert`: 1% ±2% (within noise) (all together 30% ±2%)',
    );
    expect(md).toContain('so inserts pay nothing for them; one evaluation pass takes 1.50 ms (median, "Budget pass" above).');
    expect(renderReport(base)).not.toContain('Trigger overhead by feature');
  });
  it('warns when the machine was busy', () => {
    const r = fixture();
    r.machine.load = { start: 3.2, max: 9.5 };
    expect(renderReport(r)).toContain(
      "load average 3.2 before the bench's own work, 9.5 at most during it (**other processes were using the 2 cores",
    );
    r.machine.load = { start: 0.4, max: 3.5 };
    expect(renderReport(r)).not.toContain('other processes were using');
  });
  it('sets the app against the bare baseline, per procedure, with the ratio', () => {
    const md = renderReport(fixture());
    expect(md).toContain('## Against a bare baseline');
    expect(md).toContain('| `conversations.history` | 2,000 req/s, p95 30.0 ms | 4,000 req/s, p95 15.0 ms | **50%** | 2.0x |');
    // session.me has no baseline: no row for it.
    expect(md).not.toMatch(/\| `session\.me` \| [\d,]+ req\/s, p95/);
    const slow = fixture();
    slow.http![1]!.baseline!.requestsPerSec = 10_000;
    expect(renderReport(slow)).toContain('| **20%** (below target) |');
    expect(renderReport(fixture({ http: null, httpSkipped: '--skip-http' }))).not.toContain('Against a bare baseline');
  });
  it("shows the same build through Next's route beside the app, when it was measured", () => {
    const both = fixture();
    both.http![1]!.viaNext = { requestsPerSec: 800, p50Ms: 60, p95Ms: 90, non2xx: 0, errors: 0 };
    const md = renderReport(both);
    expect(md).toContain("| Procedure | App (scripts/serve.ts) | The same build through Next's route (of baseline) | Bare baseline");
    expect(md).toContain(
      '| `conversations.history` | 2,000 req/s, p95 30.0 ms | 800 req/s, p95 90.0 ms (20%) | 4,000 req/s, p95 15.0 ms | **50%** | 2.0x |',
    );
    expect(md).toContain('DASHBOARD_TRPC_VIA_NEXT=1');
    expect(renderReport(fixture())).not.toContain("through Next's route (of baseline)");
  });
  it('says why HTTP was skipped', () => {
    expect(renderReport(fixture({ http: null, httpSkipped: '--skip-http' }))).toContain('Skipped: --skip-http.');
  });
});
