import { type CompiledQuery, Kysely, type LogEvent, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Db } from '@/db/client';
import {
  explainCompiled,
  indexesUsed,
  isScan,
  nodeLabel,
  nodeType,
  planNodes,
  type PlanNode as RawPlanNode,
  seqScannedTables,
} from '@/db/plan';
import type { Database } from '@/db/schema';
import type { PlanNode } from './types';

/**
 * Runs `fn` against a Kysely over the same connection pool that records every statement it sends,
 * compiled exactly as the dashboard sends it (SQL text and parameters). Never destroyed: the pool
 * belongs to the bench's main Kysely.
 */
export async function captureQueries(pool: pg.Pool, fn: (db: Db) => Promise<unknown>): Promise<CompiledQuery[]> {
  const captured: CompiledQuery[] = [];
  const spy = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event: LogEvent) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  await fn(spy);
  return captured;
}

/** EXPLAIN (FORMAT JSON) of one compiled statement, summarized. */
export async function explain(db: Db, query: CompiledQuery): Promise<PlanNode> {
  return summarizePlan((await explainCompiled(db, query)).Plan);
}

/** The root node, and every scan from the top down, named as text EXPLAIN names them. */
export function summarizePlan(root: RawPlanNode): PlanNode {
  const scans = planNodes(root).filter(isScan);
  return {
    topNode: nodeType(root),
    scans: [...new Set(scans.map((n) => nodeLabel(n, { short: true })))],
    indexes: indexesUsed(root),
    seqScans: seqScannedTables(root),
    totalCost: root['Total Cost'] ?? 0,
  };
}
