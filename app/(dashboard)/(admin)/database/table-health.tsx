'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { formatAgo, formatBytes, formatCount, formatShare, formatUtc, type TableRow } from './format';
import { Problems } from './problems';
import { TableScroll } from '@/app/_components/table-scroll';

/** The later of a manual and an automatic run, saying which it was. */
function latest(manual: Date | null, auto: Date | null): { at: Date | null; how: string } {
  if (!manual && !auto) return { at: null, how: '' };
  if (manual && (!auto || manual >= auto)) return { at: manual, how: 'manual' };
  return { at: auto, how: 'auto' };
}

export function TableHealth({ now }: { now: number }) {
  const trpc = useTRPC();
  const { data, refetch, isFetching } = useSuspenseQuery(trpc.database.tables.queryOptions());
  const [showInternal, setShowInternal] = useState(false);
  const tables = data.ok ? data.data.tables.filter((t) => showInternal || !t.internal) : [];
  return (
    <section className={`card ${styles.section}`} aria-labelledby="tables-h">
      <div className={styles.sectionHead}>
        <h2 id="tables-h">Tables</h2>
        <span className="row">
          <label className="row">
            <input type="checkbox" checked={showInternal} onChange={(e) => setShowInternal(e.target.checked)} /> Include auth_* and kysely_*
          </label>
          <button type="button" className="btn" onClick={() => refetch()} disabled={isFetching}>
            {isFetching ? 'Reading…' : 'Refresh'}
          </button>
        </span>
      </div>
      <Problems problems={data.problems} title={data.ok ? 'Partly read' : 'Could not read the tables'} />
      {data.ok && (
        <TableScroll label="Tables">
          <table className={`table ${styles.stackTable}`}>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col" className="num">
                  Rows
                </th>
                <th scope="col" className="num">
                  Table size
                </th>
                <th scope="col" className="num">
                  Index size
                </th>
                <th scope="col" className="num">
                  Dead rows
                </th>
                <th scope="col" className="num">
                  All-visible
                </th>
                <th scope="col">Last vacuum</th>
                <th scope="col">Last analyze</th>
              </tr>
            </thead>
            <tbody>
              {tables.map((t) => (
                <TableLine key={t.name} table={t} now={now} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <p className={`muted ${styles.meta}`} style={{ margin: 0 }}>
        Rows: the planner&apos;s estimate (pg_class.reltuples, as of the last VACUUM or ANALYZE), live rows from the statistics collector
        beside it. ≈ marks sizes read from the catalog because the table was locked.
      </p>
    </section>
  );
}

function TableLine({ table: t, now }: { table: TableRow; now: number }) {
  const vacuum = latest(t.lastVacuum, t.lastAutovacuum);
  const analyze = latest(t.lastAnalyze, t.lastAutoanalyze);
  const approx = t.sizesEstimated ? '≈ ' : '';
  return (
    <tr>
      <td className={styles.nameCell} data-wide>
        {t.name}
      </td>
      <td className="num" data-label="Rows">
        {t.estimatedRows === null ? 'not analyzed' : formatCount(t.estimatedRows)}
        {t.liveRows !== null && t.liveRows !== t.estimatedRows && (
          <div className="muted" style={{ fontSize: '0.75rem' }}>
            {formatCount(t.liveRows)} live
          </div>
        )}
      </td>
      <td className="num" data-label="Table size">
        {approx}
        {formatBytes(t.tableBytes)}
      </td>
      <td className="num" data-label="Index size">
        {approx}
        {formatBytes(t.indexBytes)}
      </td>
      <td className="num" data-label="Dead rows">
        {formatCount(t.deadRows)}
      </td>
      <td className="num" data-label="All-visible">
        {formatShare(t.allVisibleShare)}
      </td>
      <td data-label="Last vacuum" title={formatUtc(vacuum.at)}>
        {formatAgo(vacuum.at, now)}
        {vacuum.how && <span className="muted"> ({vacuum.how})</span>}
      </td>
      <td data-label="Last analyze" title={formatUtc(analyze.at)}>
        {formatAgo(analyze.at, now)}
        {analyze.how && <span className="muted"> ({analyze.how})</span>}
      </td>
    </tr>
  );
}
