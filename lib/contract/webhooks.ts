import { createParser, parseAsIsoDateTime, parseAsStringLiteral } from 'nuqs/server';
import { z } from 'zod';

// The webhooks area's contract: inputs, enums and URL parsers, imported by the router, the query
// functions and the client components alike. No server code here.

export const WEBHOOK_STATUSES = ['pending', 'processing', 'processed', 'failed', 'dead'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];
/** The statuses a replay (single or bulk) may put back in the queue. */
export const REPLAYABLE_STATUSES = ['failed', 'dead'] as const;
export type ReplayableStatus = (typeof REPLAYABLE_STATUSES)[number];

export const REJECTION_REASONS = ['bad_signature', 'stale_timestamp', 'bad_body', 'too_large'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export const REJECTION_REASON_LABEL: Record<RejectionReason, string> = {
  bad_signature: 'Bad signature',
  stale_timestamp: 'Stale timestamp',
  bad_body: 'Bad body',
  too_large: 'Too large',
};

export const REPLAY_JOB_STATUSES = ['running', 'done', 'cancelled', 'failed'] as const;
export type ReplayJobStatus = (typeof REPLAY_JOB_STATUSES)[number];

export const eventIdSchema = z
  .number({ message: 'Event id must be a number.' })
  .int('Event id must be a whole number.')
  .positive('Event id must be positive.')
  .max(Number.MAX_SAFE_INTEGER, 'Event id is too large.');

export const statusSchema = z.enum(WEBHOOK_STATUSES, { message: `Status must be one of ${WEBHOOK_STATUSES.join(', ')}.` });

const EVENT_TYPE_RE = /^[\w.:-]*$/;
export const eventTypeSchema = z
  .string({ message: 'Event type must be text.' })
  .max(100, 'Event type can be at most 100 characters.')
  .regex(EVENT_TYPE_RE, 'Event type may contain letters, digits and . _ : - only.');

/** A provider event id, a HousecallPro job id or customer id: matched exactly. */
export const searchSchema = z.string({ message: 'Search must be text.' }).trim().max(200, 'Search can be at most 200 characters.');

const instant = (what: string) => z.date({ message: `${what} must be a date and time.` });

/** "Received between": either end may be open; a range that ends before it starts is refused. */
const rangeShape = { from: instant('From').nullish(), to: instant('To').nullish() };
const rangeOk = (r: { from?: Date | null; to?: Date | null }) => !r.from || !r.to || r.from <= r.to;
const RANGE_MESSAGE = { message: '"From" must not be after "To".', path: ['to'] };

export const listInputSchema = z
  .strictObject({
    status: statusSchema.nullish(),
    eventType: eventTypeSchema.nullish(),
    search: searchSchema.nullish(),
    ...rangeShape,
    limit: z
      .number({ message: 'Limit must be a number.' })
      .int('Limit must be a whole number.')
      .min(1, 'Limit must be at least 1.')
      .max(100, 'Limit can be at most 100.')
      .default(50),
    // useInfiniteQuery's page param: the id of the last event of the previous page.
    cursor: eventIdSchema.nullish(),
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .refine(rangeOk, RANGE_MESSAGE);
export type ListInput = z.input<typeof listInputSchema>;

/** Which events a bulk replay touches. Only failed or dead events are ever replayed. */
export const bulkFilterSchema = z
  .strictObject({
    statuses: z
      .array(z.enum(REPLAYABLE_STATUSES, { message: 'Only failed or dead events can be replayed.' }))
      .min(1, 'Pick failed, dead or both.')
      .max(2),
    eventType: eventTypeSchema.nullish(),
    errorContains: z.string({ message: 'Error text must be text.' }).trim().max(200, 'Error text can be at most 200 characters.').nullish(),
    ...rangeShape,
  })
  .refine(rangeOk, RANGE_MESSAGE);
export type BulkFilter = z.output<typeof bulkFilterSchema>;

export const bulkStartSchema = z.strictObject({
  filter: bulkFilterSchema,
  /** From the dry run: the newest event it counted. Later deliveries are never swept in. */
  upToId: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** The dry run's count, kept in the audit row beside what was actually queued. */
  expected: z.number().int().nonnegative(),
});

export const replayJobIdSchema = z.strictObject({
  id: z
    .number({ message: 'Job id must be a number.' })
    .int('Job id must be a whole number.')
    .positive('Job id must be positive.')
    .max(Number.MAX_SAFE_INTEGER),
});

export const rejectionsInputSchema = z.strictObject({
  reason: z.enum(REJECTION_REASONS, { message: `Reason must be one of ${REJECTION_REASONS.join(', ')}.` }).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});

// ---- URL state (?status=dead&type=job.updated&q=job_42&from=...&event=42), for page and client ----

/** A positive safe integer written plainly ("12abc", "1e3", "-1" are not ids). */
export const parseAsId = createParser({
  parse: (v) => {
    if (!/^[1-9]\d{0,15}$/.test(v)) return null;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  },
  serialize: (n: number) => String(n),
});

const parseAsEventType = createParser({
  parse: (v) => (v.length <= 100 && EVENT_TYPE_RE.test(v) && v ? v : null),
  serialize: (v: string) => v,
});

const parseAsSearch = createParser({
  parse: (v) => (searchSchema.safeParse(v).success && v.trim() ? v.trim() : null),
  serialize: (v: string) => v,
});

export const webhooksSearchParams = {
  status: parseAsStringLiteral(WEBHOOK_STATUSES),
  type: parseAsEventType,
  q: parseAsSearch,
  from: parseAsIsoDateTime,
  to: parseAsIsoDateTime,
  event: parseAsId,
};

export const PAGE_SIZE = 50;

export function listInput(p: { status: WebhookStatus | null; type: string | null; q: string | null; from: Date | null; to: Date | null }) {
  return { status: p.status, eventType: p.type, search: p.q, from: p.from, to: p.to, limit: PAGE_SIZE };
}
