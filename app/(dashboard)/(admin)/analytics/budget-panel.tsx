'use client';

import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { serviceColor, TOTAL_BUDGET } from '@/lib/contract/analytics';
import styles from './analytics.module.css';
import { formatMoney, formatMonth, formatPercent } from './format';

const LEVEL_TEXT = { ok: 'On budget', warning: 'Warning', alert: 'Over budget' } as const;
const LEVEL_BADGE = { ok: 'badge', warning: 'badge badge-warn', alert: 'badge badge-danger' } as const;
const label = (service: string) => (service === TOTAL_BUDGET ? 'All services' : service);

/** "1,234.5" / "$1234.56" -> 123456 cents (whole cents, no float arithmetic); null when not an amount. */
export function parseDollars(text: string): number | null {
  const m = /^\$?\s*(\d{1,9}(?:,\d{3})*|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const cents = Number(m[1]!.replace(/,/g, '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(cents) && cents > 0 ? cents : null;
}

/**
 * Monthly budgets: spend this month (today so far included) and the projection against each,
 * with their levels; admins add, change and remove them here. The job (`npm run alerts`) fires
 * the alerts; the history is below.
 */
export function BudgetPanel({ services }: { services: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.analytics.budgets.queryOptions());
  const invalidate = () => queryClient.invalidateQueries(trpc.analytics.pathFilter());
  const save = useMutation(trpc.analytics.setBudget.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.analytics.deleteBudget.mutationOptions({ onSuccess: invalidate }));
  const [form, setForm] = useState({ service: TOTAL_BUDGET, amount: '', warn: '80', alert: '100', spike: '' });
  const [formError, setFormError] = useState<string | null>(null);
  const choices = [TOTAL_BUDGET, ...services.filter((s) => s !== TOTAL_BUDGET)];

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const monthlyCents = parseDollars(form.amount);
    if (monthlyCents === null) return setFormError('Enter the monthly budget in dollars, e.g. 1500 or 1,500.00');
    const spike = form.spike.trim() === '' ? null : Number(form.spike);
    setFormError(null);
    save.mutate({
      service: form.service,
      monthlyCents,
      warnPercent: Number(form.warn),
      alertPercent: Number(form.alert),
      spikeMultiplier: spike,
    });
  };

  return (
    <div className="stack">
      {data.budgets.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          No budgets yet. Set a monthly budget for all services or for one, and the alert job warns you when spend crosses its levels.
        </p>
      ) : (
        <div className={`table-wrap ${styles.tableWrap}`} tabIndex={0} role="region" aria-label="Budgets (scrolls sideways)">
          <table className="table" data-testid="budget-table">
            <caption className="sr-only">Monthly budgets for {formatMonth(data.month.start)}: spend so far and projection</caption>
            <thead>
              <tr>
                <th scope="col">Budget</th>
                <th scope="col" className="num">
                  Spent so far
                </th>
                <th scope="col" className="num">
                  Projected
                </th>
                <th scope="col" className="num">
                  Monthly budget
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.budgets.map((b) => (
                <tr key={b.service} data-testid="budget-row">
                  <th scope="row" className={styles.serviceCell}>
                    {b.service !== TOTAL_BUDGET && (
                      <span className={styles.swatch} style={{ background: serviceColor(b.service) }} aria-hidden="true" />
                    )}
                    {label(b.service)}
                  </th>
                  <td className="num">
                    {formatMoney(b.spentCents)} <span className="muted">({formatPercent(b.spentCents / b.monthlyCents)})</span>
                  </td>
                  <td className="num">
                    {formatMoney(b.projectedCents)} <span className="muted">({formatPercent(b.projectedCents / b.monthlyCents)})</span>
                  </td>
                  <td
                    className="num"
                    title={`warning at ${b.warnPercent}%, alert at ${b.alertPercent}%${b.spikeMultiplier ? `, spike above ${b.spikeMultiplier}× the 7-day average` : ''}`}
                  >
                    {formatMoney(b.monthlyCents)}
                    <div className="muted" style={{ fontSize: '0.75rem' }}>
                      {b.warnPercent}% / {b.alertPercent}%{b.spikeMultiplier ? ` · spike ${b.spikeMultiplier}×` : ''}
                    </div>
                  </td>
                  <td>
                    <span className={LEVEL_BADGE[b.level]}>{LEVEL_TEXT[b.level]}</span>
                    {b.level === 'ok' && b.projectedLevel !== 'ok' && (
                      <div className="muted" style={{ fontSize: '0.75rem' }}>
                        projected: {LEVEL_TEXT[b.projectedLevel].toLowerCase()}
                      </div>
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn"
                      onClick={() =>
                        setForm({
                          service: b.service,
                          amount: (b.monthlyCents / 100).toFixed(2),
                          warn: String(b.warnPercent),
                          alert: String(b.alertPercent),
                          spike: b.spikeMultiplier ? String(b.spikeMultiplier) : '',
                        })
                      }
                    >
                      Edit<span className="sr-only"> {label(b.service)}</span>
                    </button>{' '}
                    <button type="button" className="btn" disabled={remove.isPending} onClick={() => remove.mutate({ service: b.service })}>
                      Remove<span className="sr-only"> {label(b.service)}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className={styles.budgetForm} onSubmit={submit} aria-label="Set a monthly budget">
        <label className="field">
          Service
          <select className="input" value={form.service} onChange={(e) => setForm({ ...form, service: e.target.value })}>
            {choices.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Monthly budget ($)
          <input
            className="input"
            inputMode="decimal"
            required
            value={form.amount}
            onChange={(e) => setForm({ ...form, amount: e.target.value })}
            placeholder="1500"
          />
        </label>
        <label className="field">
          Warning at (%)
          <input
            className="input"
            type="number"
            min={1}
            max={1000}
            required
            value={form.warn}
            onChange={(e) => setForm({ ...form, warn: e.target.value })}
          />
        </label>
        <label className="field">
          Alert at (%)
          <input
            className="input"
            type="number"
            min={1}
            max={1000}
            required
            value={form.alert}
            onChange={(e) => setForm({ ...form, alert: e.target.value })}
          />
        </label>
        <label className="field">
          Spike: a day above × its 7-day average
          <input
            className="input"
            inputMode="decimal"
            value={form.spike}
            onChange={(e) => setForm({ ...form, spike: e.target.value })}
            placeholder="off"
          />
        </label>
        <div className="field">
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            Save budget
          </button>
        </div>
      </form>
      {(formError ?? save.error?.message ?? remove.error?.message) && (
        <p className="error-box" role="alert" style={{ margin: 0, padding: '0.5rem', textAlign: 'left' }}>
          {formError ?? save.error?.message ?? remove.error?.message}
        </p>
      )}
    </div>
  );
}
