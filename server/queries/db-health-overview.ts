import type { Db } from '@/db/client';
import { readSlowQueries } from './db-health';
import { type Check, type CheckThresholds, DEFAULT_THRESHOLDS, runServerChecks } from './db-health-checks';
import { DEFAULT_GUARD, describeError, type Guard, guarded, oneLine } from './db-health-guard';
import type { Finding, FindingKind } from './db-health-index-findings';
import { type IndexSectionOptions, readIndexSection } from './db-health-indexes';
import { readQueryPlans } from './db-health-queries';
import { isAppStatement } from './db-health-statements';
import { webhookSecretFinding } from './webhooks-rejections';

// The Overview: one verdict, then every check. Index findings become one check per kind, so
// "duplicate or redundant indexes" reads as one line with each index's SQL below it.

export interface Overview {
  /** "Healthy" or "2 things need attention". */
  verdict: string;
  attention: number;
  checks: Check[];
}

interface IndexCheckDef {
  id: string;
  title: string;
  kinds: FindingKind[];
  okEvidence: string;
}

const INDEX_CHECKS: IndexCheckDef[] = [
  {
    id: 'invalid-indexes',
    title: 'Invalid or missing indexes',
    kinds: ['invalid', 'missing', 'building'],
    okEvidence: 'Every index is valid, and every index the migrations create exists.',
  },
  {
    id: 'redundant-indexes',
    title: 'Duplicate or redundant indexes',
    kinds: ['redundant'],
    okEvidence: 'No index repeats the leading columns of another.',
  },
  { id: 'bloated-indexes', title: 'Index bloat', kinds: ['bloated'], okEvidence: 'No index is estimated to be mostly empty space.' },
  {
    id: 'visibility',
    title: 'Covering indexes need VACUUM',
    kinds: ['visibility'],
    okEvidence: "Covering indexes' tables are all-visible enough for Index Only Scans.",
  },
  { id: 'unused-indexes', title: 'Unused indexes', kinds: ['unused'], okEvidence: 'Every index has been scanned.' },
];

const RANK = { critical: 0, warning: 1, info: 2, skipped: 3, ok: 4 } as const;

function indexCheck(def: IndexCheckDef, found: Array<Finding & { index: string; table: string }>): Check {
  const mine = found.filter((f) => def.kinds.includes(f.kind));
  if (!mine.length) return { id: def.id, title: def.title, status: 'ok', evidence: def.okEvidence, action: null, sql: null, note: null };
  const worst = mine.some((f) => f.severity === 'critical') ? 'critical' : mine.some((f) => f.severity === 'warning') ? 'warning' : 'info';
  const notes = [...new Set(mine.map((f) => f.note).filter((n): n is string => !!n))];
  return {
    id: def.id,
    title: def.title,
    status: worst,
    evidence: mine.map((f) => `${f.index} on ${f.table}: ${f.reason}`).join('\n'),
    action: def.id === 'unused-indexes' ? 'Drop them only after a full business cycle of traffic, on every replica too.' : null,
    sql:
      mine
        .map((f) => f.fix)
        .filter(Boolean)
        .join('\n') || null,
    note: notes.join(' ') || null,
  };
}

export interface OverviewOptions extends IndexSectionOptions {
  thresholds?: CheckThresholds;
}

export async function readOverview(db: Db, options: OverviewOptions = {}): Promise<{ data: Overview; problems: string[] }> {
  const guard: Guard = options.guard ?? DEFAULT_GUARD;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const problems: string[] = [];
  const checks: Check[] = [];

  try {
    const { data, problems: p } = await readIndexSection(db, options);
    problems.push(...p);
    const found = [
      ...data.missing.map((m) => ({ ...m.finding, index: m.name, table: m.table })),
      ...data.indexes.filter((i) => !i.internal).flatMap((i) => i.findings.map((f) => ({ ...f, index: i.name, table: i.table }))),
    ];
    checks.push(...INDEX_CHECKS.map((d) => indexCheck(d, found)));
  } catch (err) {
    checks.push({
      id: 'indexes',
      title: 'Indexes',
      status: 'skipped',
      evidence: `Could not read the indexes: ${describeError(err, guard)}.`,
      action: null,
      sql: null,
      note: null,
    });
  }

  try {
    const { data: plans } = await readQueryPlans(db, guard);
    // A Seq Scan of a big table is the finding. An expected index the planner skips on a small
    // table (or one the query no longer needs) is worth knowing, not a warning.
    const red = plans.filter((p) => p.status === 'red');
    const skipped = plans.filter((p) => p.status === 'warn');
    const title = "The dashboard's own queries";
    if (red.length) {
      checks.push({
        id: 'app-plans',
        title,
        status: 'critical',
        evidence: red.map((p) => `${p.label}: reads ${p.plan!.seqScans.map((s) => s.table).join(', ')} row by row (Seq Scan)`).join('\n'),
        action: 'Restore the index it needs: the Indexes tab names it; the Queries tab shows each plan.',
        sql: null,
        note: 'A migration owns each of these indexes: `npm run migrate` rebuilds any that is missing or INVALID.',
      });
    } else {
      checks.push({
        id: 'app-plans',
        title,
        status: skipped.length ? 'info' : 'ok',
        evidence: skipped.length
          ? `None scans a big table. The planner chose another path than the expected index for: ${skipped.map((p) => `${p.label} (${p.missingExpected.join(', ')})`).join('; ')}; usual on small tables.`
          : `All ${plans.length} use their indexes.`,
        action: null,
        sql: null,
        note: null,
      });
    }
  } catch (err) {
    checks.push({
      id: 'app-plans',
      title: "The dashboard's own queries",
      status: 'skipped',
      evidence: `Could not plan them: ${describeError(err, guard)}.`,
      action: null,
      sql: null,
      note: null,
    });
  }

  checks.push(...(await runServerChecks(db, thresholds, guard)));
  checks.push(await slowQueryCheck(db, thresholds, guard));
  checks.push(await webhookSecretCheck(db, guard));

  checks.sort((a, b) => RANK[a.status] - RANK[b.status]);
  const attention = checks.filter((c) => c.status === 'critical' || c.status === 'warning').length;
  const verdict = attention === 0 ? 'Healthy' : `${attention} ${attention === 1 ? 'thing needs' : 'things need'} attention`;
  return { data: { verdict, attention, checks }, problems };
}

async function slowQueryCheck(db: Db, t: CheckThresholds, guard: Guard): Promise<Check> {
  const base = { id: 'slow-queries', title: `Slow queries (mean over ${t.slowMeanMs / 1000} s)` };
  try {
    const section = await readSlowQueries(db, guard, 200);
    if (!section.available)
      return {
        ...base,
        status: 'skipped',
        evidence: section.reason,
        action: 'Enable pg_stat_statements to see them.',
        sql: section.enable,
        note: null,
      };
    // The app's queries only: bulk loads, migrations and maintenance are slow by nature.
    const over = section.queries.filter((q) => q.meanMs >= t.slowMeanMs);
    const slow = over.filter((q) => isAppStatement(q.query));
    const left = over.length - slow.length;
    const leftOut = left ? ` (${left} slow bulk load, migration or maintenance ${left === 1 ? 'statement' : 'statements'} left out)` : '';
    if (!slow.length)
      return {
        ...base,
        status: 'ok',
        evidence: `None of the app's statements in pg_stat_statements averages over ${t.slowMeanMs} ms${leftOut}.`,
        action: null,
        sql: null,
        note: null,
      };
    return {
      ...base,
      status: 'warning',
      evidence: slow
        .slice(0, 5)
        .map((q) => `${Math.round(q.meanMs).toLocaleString('en-US')} ms mean over ${q.calls} calls: ${oneLine(q.query, 100)}`)
        .join('\n')
        .concat(leftOut ? `\n${leftOut.trim()}` : ''),
      action: 'Look at their plans (the Queries tab lists them with index suggestions).',
      sql: null,
      note: null,
    };
  } catch (err) {
    return {
      ...base,
      status: 'skipped',
      evidence: `Could not read pg_stat_statements: ${describeError(err, guard)}.`,
      action: null,
      sql: null,
      note: null,
    };
  }
}

async function webhookSecretCheck(db: Db, guard: Guard): Promise<Check> {
  const base = { id: 'webhook-secret', title: 'Webhook signatures' };
  try {
    const finding = await guarded(db, (trx) => webhookSecretFinding(trx), guard);
    if (!finding)
      return {
        ...base,
        status: 'ok',
        evidence: 'No HousecallPro delivery was refused for a bad signature in the last hour.',
        action: null,
        sql: null,
        note: null,
      };
    return {
      ...base,
      status: finding.severity,
      evidence: finding.title,
      action:
        'Compare HOUSECALLPRO_WEBHOOK_SECRET in the server environment with the signing secret in HousecallPro; if they differ, set the right one and restart the app. A few refusals from unknown addresses are scanners and need nothing.',
      sql: null,
      note: `${finding.detail} The Webhooks page lists each refused delivery with its source address (${finding.href}).`,
    };
  } catch (err) {
    return {
      ...base,
      status: 'skipped',
      evidence: `Could not read the webhook refusals: ${describeError(err, guard)}.`,
      action: null,
      sql: null,
      note: null,
    };
  }
}
