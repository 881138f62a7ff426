import styles from './analytics.module.css';
import { describeChange, formatCount, formatDay, formatMoney, formatMonth, formatPercent } from './format';
import type { CostReport } from './types';

/** The four cards: period total, change, top service, projected month-end. */
export function CostSummary({ report }: { report: CostReport }) {
  const { total, previousTotal, period, previous, month } = report;
  const change = describeChange(total.costCents, previousTotal.costCents);
  const top = report.services[0];
  const left = month.daysInMonth - month.completedDays;
  return (
    <div className="cards">
      <div className="card" data-testid="cost-total" data-cents={total.costCents}>
        <div className="stat-label">Total, last {period.days} days</div>
        <div className="stat-value">{formatMoney(total.costCents)}</div>
        <div className="muted">
          {formatCount(total.calls)} calls · {formatCount(total.units)} units
        </div>
      </div>
      <div className="card">
        <div className="stat-label">Change vs the {period.days} days before</div>
        <div className={`stat-value ${styles[change.direction]}`} title={change.label}>
          <span aria-hidden="true">{change.arrow} </span>
          <span className="sr-only">{change.direction === 'up' || change.direction === 'new' ? 'Up' : change.direction === 'down' ? 'Down' : 'No change'}: </span>
          {change.percent}
        </div>
        <div className="muted">
          {change.amount} · before: {formatMoney(previousTotal.costCents)} ({formatDay(previous.from)} – {formatDay(previous.to)})
        </div>
      </div>
      <div className="card">
        <div className="stat-label">Top service</div>
        <div className={`stat-value ${styles.topService}`}>{top ? top.service : '—'}</div>
        <div className="muted">{top ? `${formatMoney(top.costCents)} · ${formatPercent(top.share)} of the total` : 'No usage in this range'}</div>
      </div>
      <div className="card">
        <div className="stat-label">Projected {formatMonth(month.start)} total</div>
        <div className="stat-value">{formatMoney(month.projectedCents)}</div>
        <div className="muted" style={{ fontSize: '0.8rem' }}>
          {month.completedDays > 0 ? `${formatMoney(month.completedCostCents)} in the ${month.completedDays} completed day${month.completedDays === 1 ? '' : 's'} + ` : ''}
          {formatMoney(month.averageDailyCents)}/day (average of the last 7 completed days) × {left} day{left === 1 ? '' : 's'} left, today
          included. So far today: {formatMoney(month.todaySoFarCents)}.
        </div>
      </div>
    </div>
  );
}
