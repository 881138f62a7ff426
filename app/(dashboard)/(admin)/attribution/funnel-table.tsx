import styles from './attribution.module.css';
import { type FunnelRow, type FunnelTotals, STEPS } from './types';
import { TableScroll } from '@/app/_components/table-scroll';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const int = new Intl.NumberFormat('en-US');

/** 0.1234 -> "12.3%", null (nothing to convert from) -> "—". */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

function StepCells({ row }: { row: FunnelTotals }) {
  return STEPS.map((s) => (
    <td key={s.key} className={styles.num}>
      {int.format(row[s.key])}
      {s.key !== 'visitors' && <div className={styles.rate}>{percent(row.rates[s.key])}</div>}
    </td>
  ));
}

/** Sources with each step's count and its rate from the step before; totals in the footer. */
export function FunnelTable({ rows, totals }: { rows: FunnelRow[]; totals: FunnelTotals }) {
  return (
    <TableScroll label="Funnel by source">
      <table className={`table ${styles.table}`}>
        <caption className="sr-only">
          Visitors and funnel steps by source, medium and campaign; under each count, the rate from the step before
        </caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            {STEPS.map((s) => (
              <th key={s.key} scope="col" className={styles.num} title={s.label}>
                {s.short}
              </th>
            ))}
            <th scope="col" className={styles.num} title="Completed jobs of converted visitors since their visit">
              Revenue
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.source}|${r.medium}|${r.campaign}`}>
              <th scope="row">
                <strong>{r.source}</strong>
                <div className="muted">
                  {r.medium ?? '(no medium)'}
                  {r.campaign && ` · ${r.campaign}`}
                </div>
              </th>
              <StepCells row={r} />
              <td className={styles.num}>{usd.format(r.revenueCents / 100)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All sources</th>
            <StepCells row={totals} />
            <td className={styles.num}>{usd.format(totals.revenueCents / 100)}</td>
          </tr>
        </tfoot>
      </table>
    </TableScroll>
  );
}
