import { type CompiledQuery, type Kysely, type KyselyPlugin, sql } from 'kysely';
import type { Db } from '@/db/client';
import { explainCompiled, nodeName, type PlanNode, walkPlan } from '@/db/plan';
import type { Database } from '@/db/schema';

/** A Seq Scan of a table with at least this many rows (pg_class.reltuples) is a red flag. */
export const BIG_TABLE_ROWS = 10_000;

type RawPlan = PlanNode;

export interface SeqScan {
  table: string;
  estimatedRows: number | null;
  big: boolean;
  /** The One-Time Filter above it, when the scan runs only if that holds (a fallback branch, say). */
  onlyWhen: string | null;
}

export interface PlanSummary {
  /** The root node as text EXPLAIN names it (Limit, HashAggregate, ...). */
  topNode: string;
  /** Every index the plan reads. */
  indexes: string[];
  seqScans: SeqScan[];
  /** True when a big table is read sequentially (outside branches a One-Time Filter may skip). */
  red: boolean;
  totalCost: number;
  planRows: number;
  /** The plan as indented lines, like text EXPLAIN (with actual times and buffers after ANALYZE). */
  lines: string[];
}

export interface AnalyzeSummary extends PlanSummary {
  planningMs: number;
  executionMs: number;
  actualRows: number;
  sharedHit: number;
  sharedRead: number;
}

function describeNode(node: RawPlan): string {
  let text = nodeName(node);
  const index = node['Index Name'];
  const relation = node['Relation Name'];
  if (node['Node Type'] === 'Bitmap Index Scan') text += ` on ${index}`;
  else {
    if (index) text += ` using ${index}`;
    if (relation) text += ` on ${relation}${node.Alias && node.Alias !== relation ? ` ${node.Alias}` : ''}`;
  }
  text += ` (cost=${node['Total Cost']?.toFixed(2)} rows=${node['Plan Rows']})`;
  if (node['Actual Total Time'] !== undefined) {
    text += ` (actual time=${node['Actual Total Time'].toFixed(3)} ms rows=${node['Actual Rows']} loops=${node['Actual Loops']})`;
  }
  return text;
}

const DETAILS = ['One-Time Filter', 'Index Cond', 'Recheck Cond', 'Hash Cond', 'Join Filter', 'Filter', 'Sort Key', 'Group Key'] as const;

function planLines(root: RawPlan): string[] {
  const lines: string[] = [];
  walkPlan(root, (node, depth) => {
    const pad = '  '.repeat(depth);
    if (node['Subplan Name']) lines.push(`${pad}${node['Subplan Name']}`);
    lines.push(`${pad}${depth ? '-> ' : ''}${describeNode(node)}`);
    for (const key of DETAILS) {
      const v = node[key];
      if (v !== undefined) lines.push(`${pad}     ${key}: ${Array.isArray(v) ? v.join(', ') : v}`);
    }
    if (node['Rows Removed by Filter']) lines.push(`${pad}     Rows Removed by Filter: ${node['Rows Removed by Filter']}`);
    if (node['Shared Hit Blocks'] !== undefined && (node['Shared Hit Blocks'] || node['Shared Read Blocks'])) {
      lines.push(`${pad}     Buffers: shared hit=${node['Shared Hit Blocks']} read=${node['Shared Read Blocks'] ?? 0}`);
    }
  });
  return lines;
}

async function tableRows(trx: Kysely<Database>, tables: string[]): Promise<Map<string, number>> {
  if (!tables.length) return new Map();
  const { rows } = await sql<{ name: string; rows: number }>`
    select c.relname as name,
           -- reltuples is -1 until the first VACUUM/ANALYZE: fall back on the statistics collector.
           coalesce(case when c.reltuples >= 0 then c.reltuples end, s.n_live_tup, 0)::float8 as rows
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_stat_user_tables s on s.relid = c.oid
     where n.nspname = current_schema() and c.relname = any(${tables}::text[])`.execute(trx);
  return new Map(rows.map((r) => [r.name, r.rows]));
}

async function summarize(trx: Kysely<Database>, root: RawPlan): Promise<PlanSummary> {
  const indexes = new Set<string>();
  const seq = new Map<string, string | null>();
  walkPlan(root, (node, _depth, guard) => {
    if (node['Index Name']) indexes.add(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
      // An unconditional scan of a table outranks a conditional one of the same table.
      const known = seq.get(node['Relation Name']);
      seq.set(node['Relation Name'], known === null ? null : guard);
    }
  });
  const sizes = await tableRows(trx, [...seq.keys()]);
  const seqScans = [...seq].map(([table, onlyWhen]) => {
    const estimatedRows = sizes.get(table) ?? null;
    return { table, estimatedRows, big: (estimatedRows ?? 0) >= BIG_TABLE_ROWS, onlyWhen };
  });
  return {
    topNode: nodeName(root),
    indexes: [...indexes],
    seqScans,
    red: seqScans.some((s) => s.big && s.onlyWhen === null),
    totalCost: root['Total Cost'] ?? 0,
    planRows: root['Plan Rows'] ?? 0,
    lines: planLines(root),
  };
}

/** EXPLAIN (FORMAT JSON) of a compiled statement, with its own parameters (a custom plan for them). */
export async function explainPlan(trx: Kysely<Database>, query: CompiledQuery): Promise<PlanSummary> {
  return summarize(trx, (await explainCompiled(trx, query)).Plan);
}

/** EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON): the statement really runs, so the caller rolls back. */
export async function explainAnalyzePlan(trx: Kysely<Database>, query: CompiledQuery): Promise<AnalyzeSummary> {
  const doc = await explainCompiled(trx, query, { analyze: true });
  const summary = await summarize(trx, doc.Plan);
  return {
    ...summary,
    planningMs: doc['Planning Time'] ?? 0,
    executionMs: doc['Execution Time'] ?? 0,
    actualRows: doc.Plan['Actual Rows'] ?? 0,
    sharedHit: doc.Plan['Shared Hit Blocks'] ?? 0,
    sharedRead: doc.Plan['Shared Read Blocks'] ?? 0,
  };
}

class Captured extends Error {
  constructor(readonly query: CompiledQuery) {
    super('statement captured');
  }
}

/**
 * The first statement a query function sends, compiled exactly as it would be sent, without
 * sending it: a plugin (last in line, so it sees what every other plugin produced) compiles the
 * query and throws before Kysely asks for a connection. For query functions that only execute.
 */
export async function captureStatement(db: Db, run: (spy: Db) => Promise<unknown>): Promise<CompiledQuery> {
  const executor = db.getExecutor();
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      throw new Captured(executor.compileQuery(node, queryId));
    },
    async transformResult({ result }) {
      return result;
    },
  };
  try {
    await run(db.withPlugin(plugin));
  } catch (err) {
    if (err instanceof Captured) return err.query;
    throw err;
  }
  throw new Error('The query function sent no statement.');
}
