/**
 * Render budgets: time from navigation start until the page's data is visible, measured in the
 * browser. Targets are the issue's (2-core machine, production build, 1M-row seed); budgets are
 * what the check enforces: a generous margin over what the machine achieves, so it catches
 * regressions without flaking: 4-6 times the medians of a quiet run at 1M rows (0.4-0.8 s cold,
 * 0.1-0.4 s warm), which is about what seven other developers' builds and seeds on the same two
 * cores once cost. See the README. Measured figures go to e2e/out/render-times.json on every run.
 */
export const RENDER_BUDGETS_MS = {
  conversations: { target: { cold: 1000, warm: 300 }, budget: { cold: 3000, warm: 1500 } },
  bookings: { target: { cold: 1000, warm: 300 }, budget: { cold: 3000, warm: 1500 } },
  analytics: { target: { cold: 1500, warm: 300 }, budget: { cold: 4000, warm: 1500 } },
} as const;

export type BudgetPage = keyof typeof RENDER_BUDGETS_MS;
