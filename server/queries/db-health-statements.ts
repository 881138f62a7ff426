import { MARKED_STATEMENT } from '@/db/statement-markers';

// Which pg_stat_statements entries are the app's queries. The slow-query check and the index
// suggestions are about what the app asks the database; a bulk load, a migration or a VACUUM is
// slow by nature and would bury the one query worth looking at.

const LEADING_COMMENTS = /^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)+/;

/**
 * Utility commands: DDL, maintenance, COPY, transaction control, session settings. (pg_stat_statements
 * records them with pg_stat_statements.track_utility, on by default.)
 */
const UTILITY =
  /^(create|alter|drop|vacuum|analy[sz]e|reindex|cluster|copy|truncate|do|grant|revoke|comment|refresh|lock|set|reset|show|begin|start|commit|rollback|abort|savepoint|release|end|explain|prepare|execute|deallocate|discard|checkpoint|listen|unlisten|notify|call|security|load|import|reassign|declare|fetch|close|move)\b/i;

/** An INSERT fed by generate_series: how bulk loaders (our seeder before it marked its SQL) fill tables. */
const BULK_INSERT = /^insert\b[\s\S]*\bgenerate_series\s*\(/i;

/** The text with its leading comments and whitespace removed. */
export function stripLeadingComments(text: string): string {
  return text.replace(LEADING_COMMENTS, '');
}

/** Why a statement is not one of the app's queries, or null when it is. */
export function notAppStatement(text: string): 'seed' | 'migration' | 'utility' | 'bulk-load' | null {
  const marked = MARKED_STATEMENT.exec(text);
  if (marked) return marked[1] === 'seed' ? 'seed' : 'migration';
  const body = stripLeadingComments(text);
  if (UTILITY.test(body)) return 'utility';
  if (BULK_INSERT.test(body)) return 'bulk-load';
  return null;
}

export const isAppStatement = (text: string): boolean => notAppStatement(text) === null;
