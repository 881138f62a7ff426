import styles from './analytics.module.css';
import { describeChange, formatCount, formatDay, formatMoney, formatMonth } from './format';
import type { CostReport } from './types';

/** "Nov 13 – Nov 19" */
const span = (from: string, to: string) => (from === to ? formatDay(from) : `${formatDay(from)} – ${formatDay(to)}`);

/**
 * The cards: the N complete days, their change against the N complete days before (like for like:
 * today is still open, so it is never compared), today so far, and the projected month end.
 */
export function CostSummary({ report }: { report: CostReport }) {
  const { total, previousTotal, period, previous, month, today } = report;
  const change = describeChange(total.costCents, previousTotal.costCents);
  const left = month.daysInMonth - month.completedDays;
  const n = `${period.days} complete day${period.days === 1 ? '' : 's'}`;
  return (
    <div className={`cards ${styles.cards}`}>
      <div className="card" data-testid="cost-total" data-cents={total.costCents}>
        <div className="stat-label">Last {n}</div>
        <div className="stat-value">{formatMoney(total.costCents)}</div>
        <div className={`muted ${styles.detail}`}>
          {span(period.from, period.to)} · {formatCount(total.calls)} calls
        </div>
      </div>
      <div className="card" data-testid="cost-change">
        <div className="stat-label">Change, like for like</div>
        <div className={`stat-value ${styles[change.direction]}`} title={change.label}>
          <span aria-hidden="true">{change.arrow} </span>
          <span className="sr-only">
            {change.direction === 'up' || change.direction === 'new' ? 'Up' : change.direction === 'down' ? 'Down' : 'No change'}:{' '}
          </span>
          {change.percent}
        </div>
        <div className={`muted ${styles.detail}`}>
          {span(period.from, period.to)} vs the {n} before ({span(previous.from, previous.to)}: {formatMoney(previousTotal.costCents)}) ·{' '}
          {change.amount}
        </div>
      </div>
      <div className="card" data-testid="cost-today">
        <div className="stat-label">So far today</div>
        <div className="stat-value">{formatMoney(today.costCents)}</div>
        <div className={`muted ${styles.detail}`}>
          {formatDay(today.day)}, still open: not part of the comparison · {formatCount(today.calls)} calls
        </div>
      </div>
      <div className="card" data-testid="cost-projection">
        <div className="stat-label">Projected {formatMonth(month.start)} total</div>
        <div className="stat-value">{formatMoney(month.projectedCents)}</div>
        <div className={`muted ${styles.detail}`} style={{ fontSize: '0.8rem' }}>
          {month.completedDays > 0
            ? `${formatMoney(month.completedCostCents)} in the ${month.completedDays} completed day${month.completedDays === 1 ? '' : 's'} + `
            : ''}
          {formatMoney(month.averageDailyCents)}/day (average of the last 7 complete days) × {left} day{left === 1 ? '' : 's'} left, today
          included.
        </div>
      </div>
    </div>
  );
}
