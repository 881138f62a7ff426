import { fmtInt, fmtMs } from './format';
import type { BenchResults } from './types';

/** Issue 23's target: the app serves at least this share of the bare baseline's throughput. */
export const BASELINE_TARGET = 0.4;

/** "App against the bare baseline": per procedure, both sides' throughput and p95 from one run, and the ratio. */
export function renderBaselineTable(r: BenchResults): string | null {
  const measured = (r.http ?? []).filter((h) => h.baseline && !h.failed);
  if (!measured.length) return null;
  const viaNext = measured.some((h) => h.viaNext);
  const rows = measured.map((h) => {
    const b = h.baseline!;
    const ratio = b.requestsPerSec > 0 ? h.requestsPerSec / b.requestsPerSec : Number.NaN;
    const ok = Number.isFinite(ratio) && ratio >= BASELINE_TARGET;
    const n = h.viaNext;
    return [
      `\`${h.procedure}\``,
      `${fmtInt(h.requestsPerSec)} req/s, p95 ${fmtMs(h.p95Ms)}`,
      ...(viaNext
        ? [
            n
              ? `${fmtInt(n.requestsPerSec)} req/s, p95 ${fmtMs(n.p95Ms)} (${(100 * (n.requestsPerSec / b.requestsPerSec)).toFixed(0)}%)${n.non2xx + n.errors ? ` (${n.non2xx} non-2xx, ${n.errors} errors)` : ''}`
              : 'n/a',
          ]
        : []),
      `${fmtInt(b.requestsPerSec)} req/s, p95 ${fmtMs(b.p95Ms)}${b.non2xx + b.errors ? ` (${b.non2xx} non-2xx, ${b.errors} errors)` : ''}`,
      Number.isFinite(ratio) ? `**${(100 * ratio).toFixed(0)}%**${ok ? '' : ' (below target)'}` : 'n/a',
      b.p95Ms > 0 ? `${(h.p95Ms / b.p95Ms).toFixed(1)}x` : 'n/a',
    ];
  });
  const head = [
    'Procedure',
    'App (scripts/serve.ts)',
    ...(viaNext ? ["The same build through Next's route (of baseline)"] : []),
    'Bare baseline (node:http + pg)',
    'App/baseline throughput',
    'App/baseline p95',
  ];
  const table = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join(
    '\n',
  );
  return (
    table +
    `\n\nSame requests, ${measured[0]!.connections} connections × ${measured[0]!.durationS} s each, the baseline run right after the app's: ` +
    "the app is the production server, `scripts/serve.ts`, which answers `/api/trpc/` itself, without Next's request handling " +
    "(reads, a GET of queries, straight on node:http with tRPC's procedures, `server/http/trpc-queries.ts`; the rest through the Next route's guard and handler)" +
    (viaNext
      ? "; the middle column is the same build with `DASHBOARD_TRPC_VIA_NEXT=1`, every call through Next's route as before. "
      : '. ') +
    '`bench/baseline.ts` answers `/api/trpc/<procedure>?input=...` from a bare Node `http` server calling the same query function ' +
    'with the same parameters over a `pg` pool of the same size (no Next.js, tRPC, session check, zod or superjson). ' +
    "The bench database carries the app's time limits as its own defaults (`ALTER DATABASE ... SET statement_timeout`, " +
    '`lock_timeout`; BENCH_DB_DEFAULTS=off leaves them out), so the app, like the baseline, runs a lone query without a transaction around it. ' +
    `Target (issue 23): the app at ${(100 * BASELINE_TARGET).toFixed(0)}% of the baseline's throughput or more.`
  );
}
