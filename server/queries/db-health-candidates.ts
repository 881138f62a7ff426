import type { PlanNode } from '@/db/plan';

// Candidate indexes for one plan, read off the plan itself (the way an operator would): a table
// read in full (Seq Scan) whose Filter tests some of its columns, maybe sorted above by others, or
// joined on them. HypoPG then tells which candidate the planner would really use
// (db-health-suggestions.ts); most candidates are not, and that is the point of trying them.

export interface ScanColumns {
  table: string;
  /** Columns compared with = or = ANY (...), in the order the filter names them. */
  equality: string[];
  /** Columns compared otherwise (<, >=, BETWEEN, IS NULL, LIKE, ...). */
  other: string[];
  /** Columns of a Sort right above the scan, in key order, when every key is a plain column. */
  sort: string[];
  /** Columns the scan is joined on (Hash Cond, Merge Cond, Join Filter above it). */
  join: string[];
}

/** At most this many candidates per table: each one is a hypothetical index the planner weighs. */
const MAX_PER_TABLE = 8;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Literals out, so a word inside a string constant is not taken for a column. */
const withoutLiterals = (text: string) => text.replace(/'(?:[^']|'')*'/g, "''");

function mentioned(text: string, columns: string[], alias: string | null): string[] {
  const flat = withoutLiterals(text);
  return columns.filter((c) => {
    const name = escape(c);
    const re = alias ? new RegExp(`\\b${escape(alias)}\\.${name}\\b`) : new RegExp(`(^|[^\\w.])(\\w+\\.)?${name}\\b`);
    return re.test(flat);
  });
}

function isEquality(filter: string, column: string): boolean {
  // (status = 'x'::text), ((kind)::text = ANY ('{a,b}'::text[])), (m.thread_id = $1)
  const re = new RegExp(`\\b${escape(column)}\\)?(::[\\w ]+(\\[\\])?)?\\)?\\s+=\\s`);
  return re.test(withoutLiterals(filter));
}

function sortColumns(keys: string[], columns: string[]): string[] | null {
  const out: string[] = [];
  for (const key of keys) {
    const bare = key
      .replace(/\s+(ASC|DESC)\b.*$/i, '')
      .replace(/\s+NULLS (FIRST|LAST)$/i, '')
      .replace(/^\w+\./, '');
    if (!columns.includes(bare)) return null;
    out.push(key.match(/\sDESC\b/i) ? `${bare} DESC` : bare);
  }
  return out;
}

/**
 * The scanned tables worth an index: a Seq Scan with a Filter, a Sort on its columns, or a join
 * on them. `columnsOf` gives each table's column names; `bigEnough` says whether a table has
 * enough rows for an index to matter.
 */
export function scannedColumns(
  root: PlanNode,
  columnsOf: (table: string) => string[],
  bigEnough: (table: string) => boolean,
): ScanColumns[] {
  const found: ScanColumns[] = [];
  const visit = (node: PlanNode, ancestors: PlanNode[]) => {
    const table = node['Relation Name'];
    if (node['Node Type'] === 'Seq Scan' && table && bigEnough(table)) {
      const columns = columnsOf(table);
      const filter = node.Filter ?? '';
      const inFilter = filter ? mentioned(filter, columns, null) : [];
      const parent = ancestors.at(-1);
      const sort = parent?.['Node Type'] === 'Sort' && parent['Sort Key'] ? (sortColumns(parent['Sort Key'], columns) ?? []) : [];
      const joinText = ancestors
        .slice(-3)
        .flatMap((a) => [a['Hash Cond'], (a as { 'Merge Cond'?: string })['Merge Cond'], a['Join Filter']])
        .filter((t): t is string => !!t)
        .join(' ');
      const alias = node.Alias ?? table;
      const join = joinText ? mentioned(joinText, columns, alias) : [];
      if (inFilter.length || sort.length || join.length) {
        found.push({
          table,
          equality: inFilter.filter((c) => isEquality(filter, c)),
          other: inFilter.filter((c) => !isEquality(filter, c)),
          sort,
          join,
        });
      }
    }
    for (const child of node.Plans ?? []) visit(child, [...ancestors, node]);
  };
  visit(root, []);
  return found;
}

/** Column lists to try, most specific first: equality columns, then a range or sort column. */
export function candidateColumns(scan: ScanColumns): string[][] {
  const out: string[][] = [];
  const add = (cols: string[]) => {
    const list = [...new Set(cols)].slice(0, 3);
    if (list.length && !out.some((o) => o.join() === list.join())) out.push(list);
  };
  const eq = scan.equality.slice(0, 2);
  if (eq.length && scan.sort.length) add([...eq, ...scan.sort]);
  if (eq.length && scan.other.length) add([...eq, scan.other[0]!]);
  if (eq.length > 1) add(eq);
  for (const c of [...scan.equality, ...scan.join, ...scan.other]) add([c]);
  if (scan.sort.length) add(scan.sort);
  return out.slice(0, MAX_PER_TABLE);
}

const quoteIdent = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/** The CREATE INDEX a candidate is (for HypoPG, and, CONCURRENTLY, for the operator to run). */
export function indexDefinition(table: string, columns: string[], concurrently = false): string {
  const cols = columns.map((c) => (c.endsWith(' DESC') ? `${quoteIdent(c.slice(0, -5))} DESC` : quoteIdent(c)));
  const name = `${table}_${columns.map((c) => c.replace(/ DESC$/, '')).join('_')}_idx`.slice(0, 63);
  return concurrently
    ? `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ON ${quoteIdent(table)} (${cols.join(', ')});`
    : `CREATE INDEX ON ${quoteIdent(table)} (${cols.join(', ')})`;
}
