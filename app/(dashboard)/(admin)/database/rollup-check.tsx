'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { formatCount, formatUtc } from './format';
import { CheckSection } from './check-section';
import { TableScroll } from '@/app/_components/table-scroll';

const money = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function RollupCheck() {
  const trpc = useTRPC();
  const { data, refetch, isFetching } = useSuspenseQuery(trpc.database.rollupConsistency.queryOptions());
  const check = data.ok ? data.data : null;
  const r = check?.checked ? check.result : null;
  return (
    <CheckSection
      id="rollup-h"
      title="Cost rollup consistency"
      problems={data.problems}
      problemTitle="Could not check the rollup"
      skipped={check && !check.checked ? check.reason : null}
      onRecheck={() => refetch()}
      checking={isFetching}
    >
      {r && (
        <>
          <p style={{ margin: 0 }} role="status">
            {r.consistent ? (
              <span className="badge badge-ok">✓ Consistent</span>
            ) : (
              <span className="badge badge-danger">✖ {r.mismatches.length === 100 ? '100+' : r.mismatches.length} mismatches</span>
            )}{' '}
            {r.consistent
              ? `Rollup totals equal the raw api_usage totals for ${r.from} to ${r.to} (${check!.days} days, ${formatCount(r.keys)} day × service keys).`
              : `The rollup disagrees with the raw api_usage rows for ${r.from} to ${r.to}: the cost page shows wrong numbers until it is rebuilt.`}
          </p>
          <dl className={styles.planFacts}>
            <div>
              <dt>Rollup</dt>
              <dd>
                {money(r.rollup.costCents)} · {formatCount(r.rollup.calls)} calls · {formatCount(r.rollup.units)} units
              </dd>
            </div>
            <div>
              <dt>Raw</dt>
              <dd>
                {money(r.raw.costCents)} · {formatCount(r.raw.calls)} calls · {formatCount(r.raw.units)} units
              </dd>
            </div>
            <div>
              <dt>Days cut in</dt>
              <dd>{r.timeZone}</dd>
            </div>
            <div>
              <dt>Backfilled</dt>
              <dd>{r.backfilledAt ? formatUtc(r.backfilledAt) : 'not yet (the cost page reads raw rows meanwhile)'}</dd>
            </div>
          </dl>
          {r.mismatches.length > 0 && (
            <TableScroll label="Rollup mismatches">
              <table className={`table ${styles.stackTable}`}>
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col">Service</th>
                    <th scope="col" className="num">
                      Rollup
                    </th>
                    <th scope="col" className="num">
                      Raw
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.mismatches.map((m) => (
                    <tr key={`${m.day}:${m.service}`}>
                      <td>{m.day}</td>
                      <td data-label="Service">{m.service}</td>
                      <td className="num" data-label="Rollup">
                        {money(m.rollup.costCents)} / {formatCount(m.rollup.calls)} calls
                      </td>
                      <td className="num" data-label="Raw">
                        {money(m.raw.costCents)} / {formatCount(m.raw.calls)} calls
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </>
      )}
    </CheckSection>
  );
}
