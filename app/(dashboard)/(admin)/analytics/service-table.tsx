import { Fragment } from 'react';
import styles from './analytics.module.css';
import { serviceColor, serviceUnit } from '@/lib/contract/analytics';
import { describeChange, formatCount, formatDay, formatMoney, formatPercent } from './format';
import type { CostReport, ServiceCost } from './types';
import { TableScroll } from '@/app/_components/table-scroll';

/**
 * Cost, calls, units and share per service: the chart's figures as a table, so it doubles as the
 * chart's accessible fallback (the chart's description points here). Shows the services the chart shows.
 */
export function ServiceTable({
  report,
  visible,
  hiddenCount,
  onShowAll,
}: {
  report: CostReport;
  visible: ServiceCost[];
  hiddenCount: number;
  onShowAll: () => void;
}) {
  const sum = (f: (s: ServiceCost) => number) => visible.reduce((a, s) => a + f(s), 0);
  return (
    <TableScroll label="Cost by service" className={styles.tableWrap}>
      <table className="table" id="cost-table">
        <caption className="sr-only">
          Cost by service from {formatDay(report.period.from)} to {formatDay(report.period.to)}, with the change against the{' '}
          {report.period.days} days before
        </caption>
        <thead>
          <tr>
            <th scope="col" className={styles.stickyCol}>
              Service
            </th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col" className={`num ${styles.optional}`}>
              Units
            </th>
            <th scope="col" className="num">
              Share
            </th>
            <th scope="col" className="num">
              vs before
            </th>
            <th scope="col" className="num">
              Today so far
            </th>
          </tr>
        </thead>
        <tbody>
          {visible.map((s) => {
            const change = describeChange(s.costCents, s.previous.costCents);
            return (
              <tr key={s.service} data-testid="service-row">
                <th scope="row" className={`${styles.serviceCell} ${styles.stickyCol}`}>
                  <span className={styles.swatch} style={{ background: serviceColor(s.service) }} aria-hidden="true" />
                  <BreakableName name={s.service} />
                </th>
                <td className="num">{formatMoney(s.costCents)}</td>
                <td className="num">{formatCount(s.calls)}</td>
                <td className={`num ${styles.optional}`}>
                  {formatCount(s.units)} <span className="muted">{serviceUnit(s.service)}</span>
                </td>
                <td className="num">
                  <span className={styles.shareBar} aria-hidden="true">
                    <span style={{ width: `${Math.min(100, s.share * 100)}%`, background: serviceColor(s.service) }} />
                  </span>
                  {formatPercent(s.share)}
                </td>
                <td className={`num ${styles[change.direction]}`} title={change.label}>
                  <span aria-hidden="true">{change.arrow} </span>
                  <span className="sr-only">{change.label}. </span>
                  <span aria-hidden="true">{change.percent}</span>
                </td>
                <td className="num">{formatMoney(s.today.costCents)}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <td className={styles.stickyCol}>{hiddenCount ? `Shown (${visible.length} of ${visible.length + hiddenCount})` : 'Total'}</td>
            <td className="num">{formatMoney(sum((s) => s.costCents))}</td>
            <td className="num">{formatCount(sum((s) => s.calls))}</td>
            <td className={`num ${styles.optional}`} title="Units of different services count different things and are not added up">
              —
            </td>
            <td className="num">{formatPercent(sum((s) => s.share))}</td>
            <td />
            <td className="num">{formatMoney(sum((s) => s.today.costCents))}</td>
          </tr>
        </tfoot>
      </table>
      {hiddenCount > 0 && (
        <p className="muted" style={{ marginBottom: 0 }}>
          {hiddenCount} service{hiddenCount === 1 ? ' is' : 's are'} hidden from the chart, this table and the CSV.{' '}
          <button type="button" className="btn" onClick={onShowAll}>
            Show all
          </button>
        </p>
      )}
    </TableScroll>
  );
}

/** "deepgram_transcription" may wrap after its underscores on a phone, never inside a word. */
function BreakableName({ name }: { name: string }) {
  const parts = name.split('_');
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              _<wbr />
            </>
          )}
        </Fragment>
      ))}
    </>
  );
}
