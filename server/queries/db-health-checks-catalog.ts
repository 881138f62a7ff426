import { sql } from 'kysely';
import type { CheckDef } from './db-health-checks';
import { quoteIdent } from './db-health-index-findings';

// The Overview's checks that read the catalog and the statistics views (not sessions): capacity,
// wraparound, cache, sequences, constraints, replication, table statistics.

export const pct = (x: number) => `${(x * 100).toFixed(x < 0.995 && x > 0.99 ? 1 : 0)}%`;
export const list = (xs: string[], max = 3) =>
  xs.length > max ? `${xs.slice(0, max).join('; ')}; and ${xs.length - max} more` : xs.join('; ');

export const CATALOG_CHECKS: CheckDef[] = [
  {
    id: 'connections',
    title: 'Connections',
    async run(trx) {
      const r = (
        await sql<{ used: number; max: number; reserved: number }>`
          select (select count(*) from pg_stat_activity where backend_type = 'client backend')::int as used,
                 current_setting('max_connections')::int as max,
                 current_setting('superuser_reserved_connections')::int as reserved`.execute(trx)
      ).rows[0]!;
      const usable = r.max - r.reserved;
      const share = r.used / usable;
      const evidence = `${r.used} of ${usable} usable connections (max_connections ${r.max}, ${r.reserved} reserved for superusers): ${pct(share)}.`;
      if (share < 0.8) return { status: 'ok', evidence, action: null, sql: null, note: null };
      return {
        status: share >= 0.95 ? 'critical' : 'warning',
        evidence,
        action:
          'Put a transaction-mode pooler (PgBouncer) in front, or lower the pool sizes of the applications; new connections are refused at the limit.',
        sql: `SELECT application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2 ORDER BY 3 DESC;`,
        note: null,
      };
    },
  },
  {
    id: 'wraparound',
    title: 'Transaction-ID wraparound',
    async run(trx) {
      const r = (
        await sql<{ age: number; table: string | null; tableAge: number | null; freezeMax: number }>`
          select age(d.datfrozenxid)::int8 as age, t.relname as "table", t.age as "tableAge",
                 current_setting('autovacuum_freeze_max_age')::int8 as "freezeMax"
            from pg_database d
            left join lateral (select c.relname, age(c.relfrozenxid)::int8 as age from pg_class c
                                 join pg_namespace n on n.oid = c.relnamespace
                                where c.relkind in ('r', 'm', 't') and n.nspname = current_schema()
                                order by age(c.relfrozenxid) desc limit 1) t on true
           where d.datname = current_database()`.execute(trx)
      ).rows[0]!;
      // PostgreSQL stops accepting writes at about 2^31 (2.1 billion): well before that, say so.
      const evidence = `Oldest unfrozen transaction ID is ${r.age.toLocaleString('en-US')} transactions old (PostgreSQL stops writes near 2,100,000,000; autovacuum forces a freeze from ${r.freezeMax.toLocaleString('en-US')}).`;
      if (r.age < 1_000_000_000) return { status: 'ok', evidence, action: null, sql: null, note: null };
      return {
        status: r.age >= 1_500_000_000 ? 'critical' : 'warning',
        evidence,
        action: `Freeze the oldest table${r.table ? ` (${r.table})` : ''} now, and find what keeps autovacuum from doing it (long transactions, abandoned replication slots).`,
        sql: r.table ? `VACUUM (FREEZE, VERBOSE) ${quoteIdent(r.table)};` : 'VACUUM (FREEZE, VERBOSE);',
        note: 'VACUUM does not block reads or writes, but reads the whole table.',
      };
    },
  },
  {
    id: 'cache-hit',
    title: 'Cache hit rate',
    async run(trx) {
      const r = (
        await sql<{ hit: number; read: number }>`
          select coalesce(sum(heap_blks_hit), 0)::float8 + coalesce(sum(idx_blks_hit), 0)::float8 as hit,
                 coalesce(sum(heap_blks_read), 0)::float8 + coalesce(sum(idx_blks_read), 0)::float8 as read
            from pg_statio_user_tables`.execute(trx)
      ).rows[0]!;
      const total = r.hit + r.read;
      // A freshly started or freshly loaded database has read everything from disk once: too few
      // block reads say nothing about the working set.
      if (total < 100_000)
        return {
          status: 'ok',
          evidence: `Too little traffic yet to judge (${total.toLocaleString('en-US')} block reads).`,
          action: null,
          sql: null,
          note: null,
        };
      const rate = r.hit / total;
      const evidence = `${pct(rate)} of table and index block reads came from shared buffers since statistics were reset.`;
      if (rate >= 0.95) return { status: 'ok', evidence, action: null, sql: null, note: null };
      return {
        status: 'warning',
        evidence,
        action:
          'The working set does not fit in memory: raise shared_buffers (about a quarter of RAM) or move to a larger instance; check for sequential scans first.',
        sql: `SELECT relname, heap_blks_read, heap_blks_hit FROM pg_statio_user_tables ORDER BY heap_blks_read DESC LIMIT 10;`,
        note: 'Aim for 99% on a busy database.',
      };
    },
  },
  {
    id: 'sequences',
    title: 'Sequences near their limit',
    async run(trx) {
      const rows = (
        await sql<{ name: string; used: number }>`
          select quote_ident(schemaname) || '.' || quote_ident(sequencename) as name,
                 (last_value - min_value)::float8 / nullif(max_value - min_value, 0)::float8 as used
            from pg_sequences
           where schemaname = current_schema() and last_value is not null and not cycle
           order by 2 desc`.execute(trx)
      ).rows.filter((s) => s.used >= 0.75);
      if (!rows.length)
        return { status: 'ok', evidence: 'Every sequence has used less than 75% of its range.', action: null, sql: null, note: null };
      return {
        status: rows.some((s) => s.used >= 0.9) ? 'critical' : 'warning',
        evidence: `${list(rows.map((s) => `${s.name} has used ${pct(s.used)} of its range`))}. Inserts fail when it runs out.`,
        action: 'Widen the sequence and its column to bigint before it runs out (the column change rewrites the table: plan a window).',
        sql: rows.map((s) => `ALTER SEQUENCE ${s.name} AS bigint MAXVALUE 9223372036854775807;`).join('\n'),
        note: 'The column it fills must become bigint as well: ALTER TABLE ... ALTER COLUMN ... TYPE bigint.',
      };
    },
  },
  {
    id: 'not-valid-constraints',
    title: 'Constraints not validated',
    async run(trx) {
      const rows = (
        await sql<{ table: string; name: string }>`
          select t.relname as "table", c.conname as name
            from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
           where not c.convalidated and n.nspname = current_schema()
           order by 1, 2`.execute(trx)
      ).rows;
      if (!rows.length)
        return {
          status: 'ok',
          evidence: 'Every constraint has been validated against the existing rows.',
          action: null,
          sql: null,
          note: null,
        };
      return {
        status: 'warning',
        evidence: `${rows.length} NOT VALID: ${list(rows.map((r) => `${r.name} on ${r.table}`))}. New rows are checked, old ones are not.`,
        action: 'Validate them: this checks the old rows without blocking reads or writes.',
        sql: rows.map((r) => `ALTER TABLE ${quoteIdent(r.table)} VALIDATE CONSTRAINT ${quoteIdent(r.name)};`).join('\n'),
        note: 'If validation fails, it names a row that breaks the constraint: fix the data, then validate again.',
      };
    },
  },
  {
    id: 'replication',
    title: 'Replication lag',
    async run(trx) {
      const r = (
        await sql<{ standby: boolean; replayLag: number | null; replicas: Array<{ name: string; lag: number | null; state: string }> }>`
          select pg_is_in_recovery() as standby,
                 case when pg_is_in_recovery() then extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 end as "replayLag",
                 coalesce((select json_agg(json_build_object('name', coalesce(nullif(application_name, ''), client_addr::text, 'replica'),
                                                             'lag', extract(epoch from replay_lag)::float8, 'state', state))
                             from pg_stat_replication), '[]'::json) as replicas`.execute(trx)
      ).rows[0]!;
      if (r.standby) {
        const evidence = `This server is a standby; its last replayed transaction is ${r.replayLag === null ? 'unknown' : `${Math.round(r.replayLag)} s old`}.`;
        if (r.replayLag === null || r.replayLag < 30)
          return {
            status: 'ok',
            evidence,
            action: null,
            sql: null,
            note: 'An idle primary also makes this grow: compare with the primary.',
          };
        return {
          status: 'warning',
          evidence,
          action: "Pages that read from this replica show data that old. Check the replica's disk, network and long queries on it.",
          sql: 'SELECT now() - pg_last_xact_replay_timestamp();',
          note: null,
        };
      }
      if (!r.replicas.length)
        return { status: 'ok', evidence: 'This server is the primary; no replica is attached.', action: null, sql: null, note: null };
      const lagging = r.replicas.filter((x) => (x.lag ?? 0) >= 30 || x.state !== 'streaming');
      const evidence = list(
        r.replicas.map((x) => `${x.name}: ${x.state}, ${x.lag === null ? 'no lag reported' : `${x.lag.toFixed(1)} s behind`}`),
      );
      if (!lagging.length) return { status: 'ok', evidence: `Replicas: ${evidence}.`, action: null, sql: null, note: null };
      return {
        status: 'warning',
        evidence: `Replicas: ${evidence}.`,
        action: "Reads sent to a lagging replica show old data. Check the replica's disk and network, and long queries on it.",
        sql: 'SELECT application_name, state, write_lag, flush_lag, replay_lag FROM pg_stat_replication;',
        note: null,
      };
    },
  },
  {
    id: 'statistics',
    title: 'Tables never analyzed or vacuumed',
    async run(trx, t) {
      const rows = (
        await sql<{ table: string; live: number; dead: number; analyzed: boolean; vacuumed: boolean; modified: number }>`
          select relname as "table", n_live_tup::int8 as live, n_dead_tup::int8 as dead, n_mod_since_analyze::int8 as modified,
                 (last_analyze is not null or last_autoanalyze is not null) as analyzed,
                 (last_vacuum is not null or last_autovacuum is not null) as vacuumed
            from pg_stat_user_tables
           where schemaname = current_schema() and relname !~ '^(auth_|kysely_)'
           order by relname`.execute(trx)
      ).rows;
      const neverAnalyzed = rows.filter((r) => !r.analyzed && r.live + r.dead >= t.minRowsForAnalyze);
      const deadHeavy = rows.filter((r) => r.dead >= t.minRowsForAnalyze && r.dead > 0.2 * (r.live + r.dead));
      if (!neverAnalyzed.length && !deadHeavy.length) {
        return {
          status: 'ok',
          evidence: `Every table with ${t.minRowsForAnalyze.toLocaleString('en-US')}+ rows has statistics, and none is more than 20% dead rows.`,
          action: null,
          sql: null,
          note: null,
        };
      }
      const evidence = [
        ...neverAnalyzed.map(
          (r) =>
            `${r.table} was never analyzed (${r.live.toLocaleString('en-US')} rows): autovacuum analyzes after 50 rows + 10% change, and a table filled in bulk and then only updated may not get there, so the planner guesses its row counts`,
        ),
        ...deadHeavy.map((r) => `${r.table} is ${pct(r.dead / (r.live + r.dead))} dead rows${r.vacuumed ? '' : ' and was never vacuumed'}`),
      ];
      const tables = [...new Set([...neverAnalyzed, ...deadHeavy].map((r) => r.table))];
      return {
        status: 'warning',
        evidence: `${list(evidence, 4)}.`,
        action: 'Analyze (and vacuum) them now; neither blocks reads or writes.',
        sql: tables.map((x) => `VACUUM (ANALYZE) ${quoteIdent(x)};`).join('\n'),
        note: null,
      };
    },
  },
];
