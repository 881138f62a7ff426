import { formatBytes } from '@/lib/format-bytes';
import type { BloatEstimate } from './db-health-bloat';
import { describeShape, type IndexShape } from './db-health-redundancy';

// The advice engine of the index section: from one index's catalog facts to findings an operator
// can act on (SQL to run first, what to know second). The SQL that gathers the facts is in
// db-health-indexes.ts.

export type FindingKind = 'invalid' | 'building' | 'missing' | 'redundant' | 'unused' | 'bloated' | 'visibility';
export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** One line: why this is a problem. */
  reason: string;
  /** SQL (or a command) that fixes it, ready to copy; null when there is nothing to run. */
  fix: string | null;
  /** What to know before running the fix. */
  note: string | null;
}

/** The facts about one index that its findings are decided from. */
export interface IndexFacts {
  name: string;
  unique: boolean;
  primary: boolean;
  exclusion: boolean;
  valid: boolean;
  definition: string | null;
  scans: number | null;
  buildPid: number | null;
  buildPhase: string | null;
}

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * The drop an operator runs, first; second, what keeps it dropped when a migration owns the index
 * (the migrator recreates a migration's index that is missing).
 */
function dropFix(name: string, migration: string | null): { fix: string; note: string | null } {
  const drop = `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(name)};`;
  const concurrently = 'Run it on its own, outside a transaction block (CONCURRENTLY): reads and writes go on while it runs.';
  if (!migration) return { fix: drop, note: concurrently };
  return {
    fix: drop,
    note: `${concurrently} Migration ${migration} created this index, so \`npm run migrate\` would rebuild it as MISSING: ask the developers to ship the same drop as a new migration.`,
  };
}

export function findingsFor(
  r: IndexFacts,
  ctx: {
    migration: string | null;
    redundantWith: IndexShape[] | undefined;
    bloat: BloatEstimate | undefined;
    bloatMin: { pct: number; bytes: number };
    statsReset: Date | null;
    inRecovery: boolean;
  },
): Finding[] {
  const out: Finding[] = [];
  const name = quoteIdent(r.name);
  if (!r.valid) {
    if (r.buildPid !== null) {
      out.push({
        kind: 'building',
        severity: 'info',
        reason: `Being built right now by pid ${r.buildPid} (${r.buildPhase}): INVALID until the concurrent build finishes.`,
        fix: null,
        note: 'Do not drop it: wait for the build to finish.',
      });
    } else {
      const rebuild = ctx.migration
        ? `-- then rebuild it from ${ctx.migration}:\n-- npm run migrate`
        : `-- then rebuild it:\n${(r.definition ?? `-- (definition unavailable: table locked)`).replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ')};`;
      out.push({
        kind: 'invalid',
        severity: 'critical',
        reason:
          'INVALID: left by an interrupted or failed concurrent build (CREATE/REINDEX CONCURRENTLY). No query uses it, yet every write maintains it.',
        fix: `DROP INDEX CONCURRENTLY IF EXISTS ${name};\n${rebuild}`,
        note:
          [
            ctx.migration ? `\`npm run migrate\` alone also does both steps for indexes of applied migrations.` : null,
            r.unique ? 'A UNIQUE build fails on duplicate keys: remove the duplicates first or the rebuild fails again.' : null,
          ]
            .filter(Boolean)
            .join(' ') || null,
      });
    }
  }
  if (r.valid && ctx.redundantWith?.length) {
    const by = ctx.redundantWith[0]!;
    const { fix, note } = dropFix(r.name, ctx.migration);
    out.push({
      kind: 'redundant',
      severity: 'warning',
      reason: `Redundant: ${describeShape(by)} starts with all of this index's columns and serves the same lookups, so this one only costs writes and space.`,
      fix,
      note,
    });
  }
  if (r.valid && r.scans === 0 && !r.unique && !r.primary && !r.exclusion) {
    const since = ctx.statsReset ? `since statistics were reset (${ctx.statsReset.toISOString()})` : 'since statistics began';
    const { fix, note } = dropFix(r.name, ctx.migration);
    out.push({
      kind: 'unused',
      severity: 'info',
      reason: `Unused: no scans ${since} on this server.`,
      fix,
      note: `${ctx.inRecovery ? 'This server is a standby. ' : ''}Replicas keep their own counts: check pg_stat_user_indexes on each replica (and cover a full business cycle) before dropping. ${note ?? ''}`.trim(),
    });
  }
  if (r.valid && ctx.bloat && ctx.bloat.bloatPct >= ctx.bloatMin.pct && ctx.bloat.bloatBytes >= ctx.bloatMin.bytes) {
    out.push({
      kind: 'bloated',
      severity: 'warning',
      reason: `Bloated: about ${ctx.bloat.bloatPct.toFixed(0)}% (${formatBytes(ctx.bloat.bloatBytes)}) of its ${formatBytes(ctx.bloat.realBytes)} is estimated to be empty space.`,
      fix: `REINDEX INDEX CONCURRENTLY ${name};`,
      note: 'Rebuilds without blocking reads or writes (needs room for a second copy while it runs). The estimate comes from statistics: as fresh as the last ANALYZE.',
    });
  }
  return out;
}
