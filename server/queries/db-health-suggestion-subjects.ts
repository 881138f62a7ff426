import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '@/db/schema';
import type { Db } from '@/db/client';
import { explainCompiled, type PlanNode } from '@/db/plan';
import { APP_QUERIES } from './db-health-app-queries';
import { type Guard, oneLine, type Trx } from './db-health-guard';
import { prepareAppQuery } from './db-health-queries';
import { readSlowQueries } from './db-health';
import { isAppStatement, stripLeadingComments } from './db-health-statements';

// What the index suggestions try: the dashboard's own queries (compiled by the functions their
// pages call, with parameters picked from the data, as on the Queries tab) and the top statements
// of pg_stat_statements (their generic plan: the text has $1, $2 where the constants were).

export interface Subject {
  key: string;
  source: 'app' | 'statements';
  label: string;
  query: string;
  /** Tables it reads, when known: skipped while one is locked. */
  tables: string[] | null;
  /** Sets the statement up in `trx` and returns how to plan it (null: nothing to plan with). */
  prepare(trx: Trx): Promise<(() => Promise<PlanNode>) | null>;
}

/** The pg_stat_statements statements tried, at most. */
export const MAX_STATEMENTS = 10;
/** The health page's own catalog reads: not the app's data, and nothing an index would help. */
const CATALOG =
  /\b(pg_stat_\w+|pg_class|pg_index|pg_locks|pg_namespace|pg_database|pg_extension|pg_attribute|pg_constraint|pg_sequences?|pg_settings|pg_am|hypopg\w*)\b/i;
const STATEMENT_NAME = 'dashboard_index_suggestion';

export function appSubjects(): Subject[] {
  return APP_QUERIES.map((q) => ({
    key: q.id,
    source: 'app' as const,
    label: q.label,
    query: q.source,
    tables: q.tables,
    async prepare(trx: Trx) {
      const prepared = await prepareAppQuery(trx, q);
      if (!prepared) return null;
      return async () => (await explainCompiled(trx, prepared.compiled)).Plan;
    },
  }));
}

/** A statement we may plan: one SELECT (or WITH), complete, without a second statement after it. */
export function plannable(text: string): boolean {
  const body = stripLeadingComments(text).replace(/;\s*$/, '');
  return /^(select|with)\b/i.test(body) && !body.includes(';') && !CATALOG.test(body) && isAppStatement(text);
}

function paramCount(text: string): number {
  let max = 0;
  for (const m of text.matchAll(/\$(\d+)\b/g)) max = Math.max(max, Number(m[1]));
  return max;
}

/** The statements that took the most time, that we can plan; empty without pg_stat_statements. */
export async function statementSubjects(db: Db, guard: Guard): Promise<Subject[]> {
  const section = await readSlowQueries(db, guard, 200);
  if (!section.available) return [];
  return section.queries
    .filter((q) => q.query.length < 4000 && plannable(q.query))
    .slice(0, MAX_STATEMENTS)
    .map((q) => {
      const text = stripLeadingComments(q.query).replace(/;\s*$/, '');
      return {
        key: `statement:${q.queryId}`,
        source: 'statements' as const,
        label: `${q.calls.toLocaleString('en-US')} calls, ${q.meanMs.toFixed(1)} ms mean`,
        query: oneLine(text, 400),
        tables: null,
        async prepare(trx: Trx) {
          // A generic plan: the parameters' values are unknown, so the planner must not need them.
          await sql`select set_config('plan_cache_mode', 'force_generic_plan', true)`.execute(trx);
          const args = paramCount(text);
          const execute = `EXECUTE ${STATEMENT_NAME}${args ? `(${Array(args).fill('NULL').join(', ')})` : ''}`;
          // Prepared afresh for each plan: a prepared statement keeps its generic plan, which
          // would not see the hypothetical indexes created after it.
          return async () => {
            await trx.executeQuery(CompiledQuery.raw(`PREPARE ${STATEMENT_NAME} AS ${text}`, []));
            try {
              return (await explainCompiled(trx, { sql: execute, parameters: [] })).Plan;
            } finally {
              await trx.executeQuery(CompiledQuery.raw(`DEALLOCATE ${STATEMENT_NAME}`, []));
            }
          };
        },
      };
    });
}

export interface TableInfo {
  rows: number;
  columns: string[];
}

/** Every table's row estimate and column names: what candidates are made of. */
export async function tableInfo(trx: Trx): Promise<Map<string, TableInfo>> {
  const { rows } = await sql<{ name: string; rows: number; columns: string[] }>`
    select c.relname as name, greatest(c.reltuples, 0)::float8 as rows,
           array_agg(a.attname::text order by a.attnum) as columns
      from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
     group by c.oid`.execute(trx);
  return new Map(rows.map((r) => [r.name, { rows: r.rows, columns: r.columns }]));
}

/** Is HypoPG there to use, and if not, how to get it. */
export async function hypopgState(trx: Kysely<Database>): Promise<{ installed: boolean; available: boolean }> {
  const { rows } = await sql<{ installed: boolean; available: boolean }>`
    select exists (select 1 from pg_extension where extname = 'hypopg') as installed,
           exists (select 1 from pg_available_extensions where name = 'hypopg') as available`.execute(trx);
  return rows[0]!;
}
