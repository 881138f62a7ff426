import { CompiledQuery, type Kysely } from 'kysely';

// The one reader of PostgreSQL's EXPLAIN (FORMAT JSON) output, shared by the bench (bench/plans.ts),
// the Database page (server/queries/db-health-plans.ts) and the query tests' plan assertions, so
// a node is named and a plan is walked the same way everywhere.

/** One plan node as EXPLAIN (FORMAT JSON) writes it (the fields we read; more may be present). */
export interface PlanNode {
  'Node Type': string;
  Strategy?: string;
  'Partial Mode'?: string;
  'Parallel Aware'?: boolean;
  'Scan Direction'?: string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Alias?: string;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Heap Fetches'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Rows Removed by Filter'?: number;
  'Index Cond'?: string;
  'One-Time Filter'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  'Hash Cond'?: string;
  'Join Filter'?: string;
  'Sort Key'?: string[];
  'Group Key'?: string[];
  'Subplan Name'?: string;
  Plans?: PlanNode[];
}

export interface PlanDocument {
  Plan: PlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
  JIT?: Record<string, unknown>;
}

/** The document of one EXPLAIN (FORMAT JSON) result cell (pg parses the json; PGlite may not). */
export function parsePlanDocument(raw: unknown): PlanDocument {
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PlanDocument[];
  return doc[0]!;
}

/** EXPLAIN of one compiled statement with its own parameters; ANALYZE really runs it (roll back writes). */
export async function explainCompiled(
  db: Kysely<any>,
  query: Pick<CompiledQuery, 'sql' | 'parameters'>,
  options: { analyze?: boolean } = {},
): Promise<PlanDocument> {
  const how = options.analyze ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
    CompiledQuery.raw(`EXPLAIN (${how}) ${query.sql}`, [...query.parameters]),
  );
  return parsePlanDocument(rows[0]!['QUERY PLAN']);
}

/**
 * Visits every node, parent before children. `onlyWhen` is the nearest One-Time Filter above (or
 * on) the node: the branch runs only if it holds (a fallback branch, say).
 */
export function walkPlan(root: PlanNode, visit: (node: PlanNode, depth: number, onlyWhen: string | null) => void): void {
  const walk = (node: PlanNode, depth: number, onlyWhen: string | null) => {
    const guard = node['One-Time Filter'] ?? onlyWhen;
    visit(node, depth, guard);
    for (const child of node.Plans ?? []) walk(child, depth + 1, guard);
  };
  walk(root, 0, null);
}

/** Every node, parent before children. */
export function planNodes(root: PlanNode): PlanNode[] {
  const nodes: PlanNode[] = [];
  walkPlan(root, (n) => nodes.push(n));
  return nodes;
}

/** The node's type as text EXPLAIN names it: HashAggregate, Parallel Seq Scan, Finalize GroupAggregate… */
export function nodeType(node: PlanNode): string {
  let name = node['Node Type'];
  if (name === 'Aggregate') {
    name =
      ({ Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate' } as Record<string, string>)[node.Strategy ?? ''] ??
      'Aggregate';
  }
  if (node['Partial Mode'] && node['Partial Mode'] !== 'Simple') name = `${node['Partial Mode']} ${name}`;
  if (node['Parallel Aware']) name = `Parallel ${name}`;
  return name;
}

/** nodeType, with " Backward" for a backward scan. */
export function nodeName(node: PlanNode): string {
  return node['Scan Direction'] === 'Backward' ? `${nodeType(node)} Backward` : nodeType(node);
}

/** True for a node that reads a table or an index (not a subquery, CTE, function or VALUES list). */
export function isScan(node: PlanNode): boolean {
  const type = node['Node Type'];
  return /Scan$/.test(type) && !['Subquery Scan', 'CTE Scan', 'Function Scan', 'Values Scan'].includes(type);
}

/**
 * "Index Scan Backward using x on t", "Bitmap Index Scan on x", "Seq Scan on t", as text EXPLAIN
 * writes a node. `short`: an index scan names only its index (the bench's report columns).
 */
export function nodeLabel(node: PlanNode, options: { short?: boolean } = {}): string {
  const name = nodeName(node);
  if (node['Node Type'] === 'Bitmap Index Scan') return `${name} on ${node['Index Name']}`;
  let text = name;
  if (node['Index Name']) text += ` using ${node['Index Name']}`;
  if (node['Relation Name'] && !(options.short && node['Index Name'])) text += ` on ${node['Relation Name']}`;
  return text;
}

/** Every index the plan reads, first use first. */
export function indexesUsed(root: PlanNode): string[] {
  return [...new Set(planNodes(root).flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])))];
}

/** Tables read by a Seq Scan (parallel or not), first use first. */
export function seqScannedTables(root: PlanNode): string[] {
  return [...new Set(planNodes(root).flatMap((n) => (n['Node Type'] === 'Seq Scan' && n['Relation Name'] ? [n['Relation Name']] : [])))];
}

/** The plan on one line, for assertion messages: "Limit / Index Scan using x on t / …". */
export function planOutline(root: PlanNode): string {
  return planNodes(root)
    .map((n) => nodeLabel(n))
    .join(' / ');
}
