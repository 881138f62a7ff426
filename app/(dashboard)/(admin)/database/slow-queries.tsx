'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { formatCount, formatUtc } from './format';
import { Problems } from './problems';
import { SqlBlock } from './sql-block';
import { TableScroll } from '@/app/_components/table-scroll';

export function SlowQueries() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.database.slowQueries.queryOptions());
  return (
    <section className={`card ${styles.section}`} aria-labelledby="slow-h">
      <h2 id="slow-h">Slow queries (pg_stat_statements)</h2>
      <Problems problems={data.problems} title="Could not read pg_stat_statements" />
      {data.ok && !data.data.available && (
        <>
          <p style={{ margin: 0 }}>
            <span className="badge badge-warn">Not enabled</span> {data.data.reason}
          </p>
          <SqlBlock label="How to enable it" sql={data.data.enable} />
          <p className={`muted ${styles.meta}`} style={{ margin: 0 }}>
            Managed PostgreSQL (Neon, RDS, Cloud SQL) usually preloads it already: then only <code>CREATE EXTENSION</code> is needed.
          </p>
        </>
      )}
      {data.ok && data.data.available && (
        <>
          <p className={`muted ${styles.meta}`} style={{ margin: 0 }}>
            Most total time first, since {data.data.since ? formatUtc(data.data.since) : 'the extension was enabled'}. A mean of 100 ms or
            more is marked slow.
          </p>
          {data.data.queries.length === 0 ? (
            <p className="muted">No statements recorded yet.</p>
          ) : (
            <TableScroll label="Slow queries">
              <table className={`table ${styles.stackTable}`}>
                <thead>
                  <tr>
                    <th scope="col">Statement</th>
                    <th scope="col" className="num">
                      Calls
                    </th>
                    <th scope="col" className="num">
                      Mean
                    </th>
                    <th scope="col" className="num">
                      Total
                    </th>
                    <th scope="col" className="num">
                      Rows
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.queries.map((q) => (
                    <tr key={q.queryId}>
                      <td data-wide className={styles.defCell}>
                        {q.slow && <span className="badge badge-danger">✖ Slow</span>} {q.query}
                      </td>
                      <td className="num" data-label="Calls">
                        {formatCount(q.calls)}
                      </td>
                      <td className="num" data-label="Mean">
                        {q.meanMs.toFixed(2)} ms
                      </td>
                      <td className="num" data-label="Total">
                        {(q.totalMs / 1000).toFixed(1)} s
                      </td>
                      <td className="num" data-label="Rows">
                        {formatCount(q.rows)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </>
      )}
    </section>
  );
}
