import { type CompiledQuery, Kysely, type LogEvent, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Db } from '@/db/client';
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
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': unknown }>({
    ...query,
    sql: `EXPLAIN (FORMAT JSON) ${query.sql}`,
    query: query.query,
  } as CompiledQuery<{ 'QUERY PLAN': unknown }>);
  const raw = rows[0]!['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: RawPlan }];
  return summarizePlan(doc[0].Plan);
}

export interface RawPlan {
  'Node Type': string;
  Strategy?: string;
  'Partial Mode'?: string;
  'Parallel Aware'?: boolean;
  'Scan Direction'?: string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Total Cost'?: number;
  Plans?: RawPlan[];
}

/** The root node, and every scan from the top down, named as text EXPLAIN names them. */
export function summarizePlan(root: RawPlan): PlanNode {
  const scans: string[] = [];
  const indexes = new Set<string>();
  const seqScans = new Set<string>();
  const walk = (node: RawPlan) => {
    const type = node['Node Type'];
    if (/Scan$/.test(type) && type !== 'Subquery Scan' && type !== 'CTE Scan' && type !== 'Function Scan' && type !== 'Values Scan') {
      scans.push(scanName(node));
      if (node['Index Name']) indexes.add(node['Index Name']);
      if (type === 'Seq Scan' && node['Relation Name']) seqScans.add(node['Relation Name']);
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(root);
  return { topNode: nodeName(root), scans: dedupe(scans), indexes: [...indexes], seqScans: [...seqScans], totalCost: root['Total Cost'] ?? 0 };
}

function nodeName(node: RawPlan): string {
  let name = node['Node Type'];
  if (name === 'Aggregate') {
    name = { Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate' }[node.Strategy ?? ''] ?? 'Aggregate';
  }
  if (node['Partial Mode'] && node['Partial Mode'] !== 'Simple') name = `${node['Partial Mode']} ${name}`;
  if (node['Parallel Aware']) name = `Parallel ${name}`;
  return name;
}

function scanName(node: RawPlan): string {
  let name = nodeName(node);
  if (node['Scan Direction'] === 'Backward') name += ' Backward';
  if (node['Node Type'] === 'Bitmap Index Scan') return `${name} on ${node['Index Name']}`;
  if (node['Index Name']) return `${name} using ${node['Index Name']}`;
  return node['Relation Name'] ? `${name} on ${node['Relation Name']}` : name;
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
