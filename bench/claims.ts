import type { GuideClaim } from './types';

/**
 * What ../shared/seed/performance-optimization-guide.md claims, verbatim in numbers, so the report
 * can set each claim beside the measurement. All its latency claims are "at 1M rows".
 */
export const GUIDE = {
  rows: 1_000_000,
  operations: {
    // `plan`: what the guide's "Performance Testing" section says EXPLAIN shows with the indexes.
    history: {
      label: 'Load conversation history',
      claim: { withoutMs: 2000, withMs: 20, ratio: 100 },
      plan: 'Index Scan using shared_thread_messages_thread_created_idx',
    },
    bookings: {
      label: 'Customer booking lookup',
      claim: { withoutMs: 1500, withMs: 15, ratio: 100 },
      plan: 'Index Scan using appointments_customer_id_idx',
    },
    costByService: {
      label: 'Admin cost analytics',
      claim: { withoutMs: 5000, withMs: 250, ratio: 20 },
      plan: 'Index Scan using api_usage_analytics_idx or Index Only Scan',
    },
    otpRateLimit: { label: 'OTP rate limit check', claim: { withoutMs: 500, withMs: 5, ratio: 100 }, plan: null },
  } satisfies Record<string, { label: string; claim: GuideClaim; plan: string | null }>,
  /** "Impact: Minimal (typically <5% overhead for 9 indexes)". */
  writeOverhead: 0.05,
  /** "Each index: ~20-40% of table size". */
  indexShareOfTable: [0.2, 0.4] as const,
  /** "Total estimated: ~50-100MB for 1M messages". */
  totalIndexMbPerMillionMessages: [50, 100] as const,
  /** "As your data grows, performance without indexes degrades linearly. With indexes, it stays constant." */
  growth: 'without indexes degrades linearly; with indexes stays constant',
} as const;

export type GuideOperation = keyof typeof GUIDE.operations;
