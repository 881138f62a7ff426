/**
 * Render budgets: time from navigation start until the page's data is visible, measured in the
 * browser. Targets are the (2-core machine, production build, 1M-row seed); budgets are
 * what the check enforces: a generous margin over what the machine achieves, so it catches
 * regressions without flaking (about twice the worst medians measured on this machine at 1M rows
 * while it was also running other work: see the README). Measured figures go to e2e/out/render-times.json on every run.
 */
export const RENDER_BUDGETS_MS = {
  conversations: { target: { cold: 1000, warm: 300 }, budget: { cold: 5000, warm: 3000 } },
  bookings: { target: { cold: 1000, warm: 300 }, budget: { cold: 5000, warm: 3000 } },
  analytics: { target: { cold: 1500, warm: 300 }, budget: { cold: 6000, warm: 3000 } },
} as const;

export type BudgetPage = keyof typeof RENDER_BUDGETS_MS;
