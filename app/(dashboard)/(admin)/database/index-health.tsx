'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import {
  type Finding,
  formatBytes,
  formatCount,
  formatShare,
  formatUtc,
  type IndexRow,
  KIND_LABEL,
  SEVERITY_CLASS,
  SEVERITY_ICON,
  SEVERITY_LABEL,
  SEVERITY_ORDER,
} from './format';
import { Problems } from './problems';
import { SqlBlock } from './sql-block';
import { TableScroll } from '@/app/_components/table-scroll';

interface Located extends Finding {
  index: string;
  table: string;
}

export function IndexHealth() {
  const trpc = useTRPC();
  const { data, refetch, isFetching } = useSuspenseQuery(trpc.database.indexes.queryOptions());
  const [showInternal, setShowInternal] = useState(false);
  const [showInfo, setShowInfo] = useState(false);
  if (!data.ok) {
    return (
      <section className={`card ${styles.section}`} aria-labelledby="indexes-h">
        <h2 id="indexes-h">Indexes</h2>
        <Problems problems={data.problems} title="Could not read the indexes" />
        <button type="button" className="btn" onClick={() => refetch()} disabled={isFetching}>
          Try again
        </button>
      </section>
    );
  }
  const { indexes, missing, statsReset, inRecovery } = data.data;
  const visible = indexes.filter((i) => showInternal || !i.internal);
  const findings: Located[] = [
    ...missing.map((m) => ({ ...m.finding, index: m.name, table: m.table })),
    ...visible.flatMap((i) => i.findings.map((f) => ({ ...f, index: i.name, table: i.table }))),
  ].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.index.localeCompare(b.index));
  const shown = findings.filter((f) => showInfo || f.severity !== 'info');
  const infoCount = findings.length - findings.filter((f) => f.severity !== 'info').length;

  return (
    <section className={`card ${styles.section}`} aria-labelledby="indexes-h">
      <div className={styles.sectionHead}>
        <h2 id="indexes-h">Indexes</h2>
        <button type="button" className="btn" onClick={() => refetch()} disabled={isFetching}>
          {isFetching ? 'Reading…' : 'Refresh'}
        </button>
      </div>
      <p className={`muted ${styles.meta}`} style={{ margin: 0 }}>
        Scan counts since {statsReset ? `statistics were reset at ${formatUtc(statsReset)}` : 'statistics began (never reset)'}, on this
        server only{inRecovery ? ' (a standby)' : ''}: replicas keep their own counts.
      </p>
      <Problems problems={data.problems} />

      <div className={styles.toolbar}>
        <h3 style={{ margin: 0, fontSize: '0.95rem' }}>
          Findings ({findings.length - infoCount} to act on{infoCount ? `, ${infoCount} informational` : ''})
        </h3>
        {infoCount > 0 && (
          <label className="row">
            <input type="checkbox" checked={showInfo} onChange={(e) => setShowInfo(e.target.checked)} /> Show informational (unused indexes,
            builds in progress)
          </label>
        )}
        <label className="row">
          <input type="checkbox" checked={showInternal} onChange={(e) => setShowInternal(e.target.checked)} /> Include auth_* and kysely_*
          tables
        </label>
      </div>
      {shown.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          ✓ Nothing to act on.
        </p>
      ) : (
        <ul className={styles.findings}>
          {shown.map((f) => (
            <FindingItem key={`${f.index}:${f.kind}`} finding={f} />
          ))}
        </ul>
      )}

      <h3 style={{ margin: '0.5rem 0 0', fontSize: '0.95rem' }}>All indexes ({visible.length})</h3>
      <TableScroll label="Indexes">
        <table className={`table ${styles.stackTable}`}>
          <thead>
            <tr>
              <th scope="col">Index</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col" className="num">
                Scans
              </th>
              <th scope="col" className="num">
                Tuples read
              </th>
              <th scope="col">State</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((i) => (
              <IndexTableRow key={i.name} index={i} />
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function FindingItem({ finding: f }: { finding: Located }) {
  return (
    <li className={styles.finding} data-severity={f.severity}>
      <div className={styles.findingHead}>
        <span className={`badge ${SEVERITY_CLASS[f.severity]}`}>
          <span aria-hidden="true">{SEVERITY_ICON[f.severity]}</span> {SEVERITY_LABEL[f.severity]}: {KIND_LABEL[f.kind]}
        </span>
        <span className={styles.findingName}>{f.index}</span>
        <span className="muted">on {f.table}</span>
      </div>
      <div>{f.reason}</div>
      {f.fix && <SqlBlock sql={f.fix} label="Fix" />}
      {f.note && <div className={`muted ${styles.note}`}>{f.note}</div>}
    </li>
  );
}

function IndexTableRow({ index: i }: { index: IndexRow }) {
  return (
    <tr>
      <td data-wide className={styles.indexCell}>
        <div className={styles.nameCell}>{i.name}</div>
        <div className="muted" style={{ fontSize: '0.8rem' }}>
          {i.table} · {i.method}
          {i.primary ? ' · primary key' : i.unique ? ' · unique' : ''}
          {i.migration ? ` · ${i.migration}` : ''}
          {i.allVisibleShare !== null ? ` · covering, ${formatShare(i.allVisibleShare)} of table pages all-visible` : ''}
        </div>
        <div className={styles.defCell}>{i.definition ?? '(definition not read: table locked)'}</div>
      </td>
      <td className="num" data-label="Size">
        {i.sizeEstimated ? '≈ ' : ''}
        {formatBytes(i.sizeBytes)}
        {i.bloat && i.bloat.pct > 0 ? (
          <div className="muted" style={{ fontSize: '0.75rem' }}>
            ~{i.bloat.pct.toFixed(0)}% bloat
          </div>
        ) : null}
      </td>
      <td className="num" data-label="Scans">
        {formatCount(i.scans)}
      </td>
      <td className="num" data-label="Tuples read">
        {formatCount(i.tuplesRead)}
      </td>
      <td data-label="State">
        {i.valid ? <span className="badge badge-ok">VALID</span> : <span className="badge badge-danger">✖ INVALID</span>}
      </td>
      <td data-label="Findings">
        <div className={styles.badges}>
          {i.findings.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            i.findings.map((f) => (
              <span key={f.kind} className={`badge ${SEVERITY_CLASS[f.severity]}`}>
                {KIND_LABEL[f.kind]}
              </span>
            ))
          )}
        </div>
      </td>
    </tr>
  );
}
