'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { formatCount, formatUtc } from './format';
import { ConsistencyCheck, Verdict } from './check-section';
import { TableScroll } from '@/app/_components/table-scroll';

const money = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function RollupCheck() {
  const trpc = useTRPC();
  const query = useSuspenseQuery(trpc.database.rollupConsistency.queryOptions());
  return (
    <ConsistencyCheck id="rollup-h" title="Cost rollup consistency" problemTitle="Could not check the rollup" query={query}>
      {({ days, result: r }) => (
        <>
          <Verdict mismatches={r.mismatches.length} noun="mismatches">
            {r.consistent
              ? `Rollup totals equal the raw api_usage totals for ${r.from} to ${r.to} (${days} days, ${formatCount(r.keys)} day × service keys).`
              : `The rollup disagrees with the raw api_usage rows for ${r.from} to ${r.to}: the cost page shows wrong numbers until it is rebuilt.`}
          </Verdict>
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
    </ConsistencyCheck>
  );
}
