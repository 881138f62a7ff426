import { describe, expect, it } from 'vitest';
import { indexesUsed, nodeLabel, nodeName, type PlanNode, parsePlanDocument, planOutline, seqScannedTables, walkPlan } from './plan';

// A plan shaped like PostgreSQL's EXPLAIN (FORMAT JSON): a guarded fallback branch, a backward scan,
// a bitmap scan and a parallel hashed aggregate.
const plan: PlanNode = {
  'Node Type': 'Aggregate',
  Strategy: 'Hashed',
  'Partial Mode': 'Finalize',
  Plans: [
    { 'Node Type': 'Index Scan', 'Scan Direction': 'Backward', 'Index Name': 'm_idx', 'Relation Name': 'messages' },
    {
      'Node Type': 'Result',
      'One-Time Filter': '(NOT $0)',
      Plans: [{ 'Node Type': 'Seq Scan', 'Parallel Aware': true, 'Relation Name': 'api_usage' }],
    },
    {
      'Node Type': 'Bitmap Heap Scan',
      'Relation Name': 'customers',
      Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'c_trgm' }],
    },
  ],
};

describe('plan reader', () => {
  it('names nodes as text EXPLAIN does', () => {
    expect(nodeName(plan)).toBe('Finalize HashAggregate');
    expect(nodeLabel(plan.Plans![0]!)).toBe('Index Scan Backward using m_idx on messages');
    expect(nodeLabel(plan.Plans![0]!, { short: true })).toBe('Index Scan Backward using m_idx');
    expect(nodeLabel(plan.Plans![1]!.Plans![0]!)).toBe('Parallel Seq Scan on api_usage');
    expect(nodeLabel(plan.Plans![2]!.Plans![0]!)).toBe('Bitmap Index Scan on c_trgm');
  });

  it('finds the indexes and the sequentially scanned tables', () => {
    expect(indexesUsed(plan)).toEqual(['m_idx', 'c_trgm']);
    expect(seqScannedTables(plan)).toEqual(['api_usage']);
    expect(planOutline(plan)).toContain('Index Scan Backward using m_idx on messages / Result / Parallel Seq Scan on api_usage');
  });

  it('carries a One-Time Filter down its branch only', () => {
    const guards: Record<string, string | null> = {};
    walkPlan(plan, (n, _depth, onlyWhen) => {
      if (n['Relation Name']) guards[n['Relation Name']] = onlyWhen;
    });
    expect(guards).toEqual({ messages: null, api_usage: '(NOT $0)', customers: null });
  });

  it('reads the document from a parsed cell or a JSON string', () => {
    const doc = [{ Plan: plan, 'Planning Time': 0.1 }];
    expect(parsePlanDocument(doc).Plan).toBe(plan);
    expect(parsePlanDocument(JSON.stringify(doc))['Planning Time']).toBe(0.1);
  });
});
