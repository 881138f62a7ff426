import { type Kysely, sql } from 'kysely';
import type { Database } from '@/db/schema';

export interface BloatEstimate {
  oid: number;
  /** pg_class.relpages * block size: the size as of the last VACUUM / ANALYZE / CREATE INDEX. */
  realBytes: number;
  /** Bytes beyond what the index would need if freshly built at its fillfactor. */
  bloatBytes: number;
  bloatPct: number;
}

/**
 * Flag an index when both hold. The estimate is rough, and a B-tree filled by random inserts settles
 * around 70% full (page splits leave half-empty pages), so 30% "bloat" is normal and not worth a
 * REINDEX; small indexes are not worth one either.
 */
export const BLOAT_MIN_PCT = 50;
export const BLOAT_MIN_BYTES = 5 * 1024 * 1024;

/**
 * B-tree bloat, estimated from catalog statistics without pgstattuple (the widely used estimation
 * query of ioguix/pgsql-bloat-estimation, btree_bloat.sql): the pages a fresh index would need are
 * computed from reltuples, the columns' average widths and null fractions in pg_stats, tuple header
 * sizes and the fillfactor, and compared with relpages. Reads only pg_class, pg_index, pg_attribute
 * and pg_stats, so it takes no lock on any table. Indexes of never-analyzed tables get no estimate
 * (no pg_stats rows), and the result is only as fresh as the last VACUUM or ANALYZE.
 */
export async function estimateBtreeBloat(trx: Kysely<Database>): Promise<BloatEstimate[]> {
  const { rows } = await sql<BloatEstimate>`
    select idxoid::int8 as oid,
           (bs * relpages)::int8 as "realBytes",
           case when relpages > est_pages_ff then (bs * (relpages - est_pages_ff))::int8 else 0 end as "bloatBytes",
           case when relpages > 0 then greatest(0, round((100 * (relpages - est_pages_ff)::float8 / relpages)::numeric, 1))::float8
                else 0 end as "bloatPct"
      from (
        select coalesce(1 + ceil(reltuples / floor((bs - pageopqdata - pagehdr) * fillfactor
                                                   / (100 * (4 + nulldatahdrwidth)::float8))), 0) as est_pages_ff,
               bs, idxoid, relpages
          from (
            select maxalign, bs, reltuples, relpages, idxoid, fillfactor, pagehdr, pageopqdata,
                   (index_tuple_hdr_bm
                     + maxalign - case when index_tuple_hdr_bm % maxalign = 0 then maxalign else index_tuple_hdr_bm % maxalign end
                     + nulldatawidth
                     + maxalign - case when nulldatawidth = 0 then 0
                                       when nulldatawidth::integer % maxalign = 0 then maxalign
                                       else nulldatawidth::integer % maxalign end
                   )::numeric as nulldatahdrwidth
              from (
                select i.idxoid, i.reltuples, i.relpages, i.fillfactor,
                       current_setting('block_size')::numeric as bs,
                       case when version() ~ 'mingw32' or version() ~ '64-bit|x86_64|ppc64|ia64|amd64' then 8 else 4 end as maxalign,
                       24 as pagehdr,
                       16 as pageopqdata,
                       case when max(coalesce(s.null_frac, 0)) = 0 then 8 else 8 + ((32 + 8 - 1) / 8) end as index_tuple_hdr_bm,
                       sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 1024)) as nulldatawidth
                  from (
                    select ct.relname as tblname, ct.relnamespace, ic.idxname, ic.reltuples, ic.relpages, ic.idxoid, ic.fillfactor,
                           coalesce(a1.attname, a2.attname) as attname,
                           case when a1.attnum is null then ic.idxname else ct.relname end as attrelname
                      from (
                        select idxname, reltuples, relpages, tbloid, idxoid, fillfactor, indkey,
                               generate_series(1, indnatts) as attpos
                          from (
                            select ci.relname as idxname, ci.reltuples, ci.relpages, i.indrelid as tbloid, i.indexrelid as idxoid,
                                   coalesce(substring(array_to_string(ci.reloptions, ' ') from 'fillfactor=([0-9]+)')::smallint, 90) as fillfactor,
                                   i.indnatts,
                                   string_to_array(i.indkey::text, ' ')::int[] as indkey
                              from pg_index i
                              join pg_class ci on ci.oid = i.indexrelid
                              join pg_namespace ns on ns.oid = ci.relnamespace
                             where ci.relam = (select oid from pg_am where amname = 'btree')
                               and ci.relpages > 0
                               and ns.nspname = current_schema()
                          ) as idx_data
                      ) as ic
                      join pg_class ct on ct.oid = ic.tbloid
                      left join pg_attribute a1 on ic.indkey[ic.attpos] <> 0 and a1.attrelid = ic.tbloid and a1.attnum = ic.indkey[ic.attpos]
                      left join pg_attribute a2 on ic.indkey[ic.attpos] = 0 and a2.attrelid = ic.idxoid and a2.attnum = ic.attpos
                  ) i
                  join pg_namespace n on n.oid = i.relnamespace
                  join pg_stats s on s.schemaname = n.nspname and s.tablename = i.attrelname and s.attname = i.attname
                 group by 1, 2, 3, 4
              ) as rows_data_stats
          ) as rows_hdr_pdata_stats
      ) as relation_stats`.execute(trx);
  return rows;
}
