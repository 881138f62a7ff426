// Leading comments that name who sent a statement. pg_stat_statements keeps a statement's text as
// sent, comments included, but not its session's application_name: the Database page's slow-query
// check reads these to leave the seeder's bulk loads and the migrator's statements out of "the
// app's slow queries" (server/queries/db-health-statements.ts).

/** Prefixed to every bulk statement of db/seed. */
export const SEED_MARKER = '/* seed */';

/** Prefixed to every statement the migrator runs from a migration file. */
export const migrationMarker = (name: string): string => `/* migration ${name.replace(/\*\//g, '')} */`;

/** Matches a statement text that starts with either marker (after whitespace). */
export const MARKED_STATEMENT = /^\s*\/\* (seed|migration [^*]*) \*\//;
