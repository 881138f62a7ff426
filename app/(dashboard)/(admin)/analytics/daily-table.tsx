import { serviceColor } from '@/lib/contract/analytics';
import styles from './analytics.module.css';
import { formatDay, formatMoney } from './format';
import type { CostReport } from './types';

/** The chart as a table: one row per day, one column per shown service, and the day's total. */
export function DailyTable({ report, hidden }: { report: CostReport; hidden: ReadonlySet<string> }) {
  const shown = report.services.filter((s) => !hidden.has(s.service));
  return (
    <>
      <p className={`muted ${styles.scrollHint}`} aria-hidden="true">
        Swipe the table sideways for more columns →
      </p>
      <div
        className={`table-wrap ${styles.tableWrap}`}
        tabIndex={0}
        role="region"
        aria-label="Daily cost by service, as a table (scrolls sideways)"
      >
        <table className="table" data-testid="daily-table">
          <caption className="sr-only">Daily cost by service, {report.days.length} complete days</caption>
          <thead>
            <tr>
              <th scope="col" className={styles.stickyCol}>
                Day
              </th>
              {shown.map((s) => (
                <th key={s.service} scope="col" className="num">
                  <span className={styles.swatch} style={{ background: serviceColor(s.service) }} aria-hidden="true" />
                  {s.service}
                </th>
              ))}
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {report.days.map((day, i) => (
              <tr key={day}>
                <th scope="row" className={styles.stickyCol}>
                  {formatDay(day)}
                </th>
                {shown.map((s) => (
                  <td key={s.service} className="num">
                    {formatMoney(s.daily[i] ?? 0)}
                  </td>
                ))}
                <td className="num">{formatMoney(shown.reduce((a, s) => a + Math.round((s.daily[i] ?? 0) * 1e4), 0) / 1e4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
