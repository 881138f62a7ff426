import { createLoader, parseAsBoolean, parseAsInteger, parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { z } from 'zod';
import { isDay } from '@/lib/business-day';
import { isoDay, parseAsDay } from './common';

/**
 * The conversations contract: enums, zod inputs and the list's URL parsers, imported by the
 * router, the query functions and the client pages alike. No server code here.
 */

export const CHANNELS = ['web', 'sms', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];
export const THREAD_STATUSES = ['open', 'closed'] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];
/** Which part of a thread a search matched. */
export const MATCH_KINDS = ['name', 'phone', 'email'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

// Private-use characters mark the matched words in a search snippet: they cannot be confused with
// anything a customer typed, and the client splits on them (no HTML travels).
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

export const LIST_PAGE_SIZE = 30;
export const HISTORY_PAGE_SIZE = 50;
export const SEARCH_PAGE_SIZE = 20;
/** Longest search accepted: a pasted paragraph is fine, a document is not. */
export const MESSAGE_SEARCH_MAX = 200;

// z.guid: any 8-4-4-4-12 hex id PostgreSQL's uuid type accepts (z.uuid would also demand RFC
// version bits, which ids written by other tools need not carry).
export const threadIdSchema = z.guid({ message: 'Thread id must be a UUID such as 0b7c4c8e-3f1a-4c55-9a43-1d2f6a9e8b10.' });

export const limitSchema = (fallback: number) =>
  z
    .number({ message: 'Limit must be a number.' })
    .int('Limit must be a whole number.')
    .min(1, 'Limit must be at least 1.')
    .max(100, 'Limit can be at most 100.')
    .default(fallback);

/** A calendar day in the business time zone, as `<input type="date">` gives it. */
export const daySchema = isoDay;

// PostgreSQL text cannot hold NUL; other control characters never belong in a search.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

/** The opaque cursor of a previous page (the router decodes it; a bad one is BAD_REQUEST). */
export const cursorSchema = z
  .string({ message: 'Cursor must be the nextCursor string of a previous page.' })
  .max(200, 'Cursor is too long.');

// useInfiniteQuery sends `direction` with every page: forward = older, backward = newer.
export const directionSchema = z.enum(['forward', 'backward']).optional();

export const listFiltersSchema = z.strictObject({
  channel: z.enum(CHANNELS, { message: 'Channel must be one of web, sms or voice.' }).nullish(),
  search: z
    .string({ message: 'Search must be text.' })
    .max(100, 'Search can be at most 100 characters.')
    .regex(NO_CONTROL, 'Search may not contain control characters.')
    .nullish(),
  customerId: z
    .number({ message: 'Customer must be a customer id.' })
    .int('Customer must be a customer id.')
    .positive('Customer must be a customer id.')
    .max(Number.MAX_SAFE_INTEGER, 'Customer must be a customer id.')
    .nullish(),
  status: z.enum(THREAD_STATUSES, { message: 'Status must be open or closed.' }).nullish(),
  /** Last message inbound (the customer spoke last), oldest wait first. */
  waiting: z.boolean({ message: 'Waiting must be true or false.' }).nullish(),
  from: daySchema.nullish(),
  to: daySchema.nullish(),
});
export type ListFilters = z.infer<typeof listFiltersSchema>;

export const listInputSchema = listFiltersSchema.extend({
  limit: limitSchema(LIST_PAGE_SIZE),
  cursor: cursorSchema.nullish(),
  direction: directionSchema,
});

export const historyInputSchema = z.strictObject({
  threadId: threadIdSchema,
  limit: limitSchema(HISTORY_PAGE_SIZE),
  cursor: cursorSchema.nullish(),
  direction: directionSchema,
  /** Open the thread at this message (a search hit): the page holds it with messages either side. */
  aroundMessageId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullish(),
  /** Open the thread at this day (jump to date): the page starts at its first message. */
  aroundDay: daySchema.nullish(),
});

export const messageSearchInputSchema = z.strictObject({
  q: z
    .string({ message: 'Search must be text.' })
    .trim()
    .min(1, 'Type a word to search for.')
    .max(MESSAGE_SEARCH_MAX, `Search can be at most ${MESSAGE_SEARCH_MAX} characters.`)
    .regex(NO_CONTROL, 'Search may not contain control characters.'),
  limit: z.number().int().min(1).max(50).default(SEARCH_PAGE_SIZE),
  // The list's triage filters, honoured by the hits: customer, status and waiting select the
  // threads; channel and the dates select the messages themselves (a call's transcript, a message
  // written on those days).
  customerId: listFiltersSchema.shape.customerId,
  channel: listFiltersSchema.shape.channel,
  status: listFiltersSchema.shape.status,
  waiting: listFiltersSchema.shape.waiting,
  from: listFiltersSchema.shape.from,
  to: listFiltersSchema.shape.to,
});

export const liveInputSchema = z.strictObject({
  /** The open thread, if any: its new messages are sent as well as the list's changes. */
  threadId: threadIdSchema.nullish(),
});

// ---- the list's URL (shareable, survives reload): one definition for server page and client ----

export const listSearchParams = {
  channel: parseAsStringLiteral(CHANNELS),
  q: parseAsString.withDefault(''),
  customer: parseAsInteger,
  status: parseAsStringLiteral(THREAD_STATUSES),
  waiting: parseAsBoolean.withDefault(false),
  from: parseAsDay,
  to: parseAsDay,
};
export const loadListSearchParams = createLoader(listSearchParams);

export interface ListUrlState {
  channel: Channel | null;
  q: string;
  customer: number | null;
  status: ThreadStatus | null;
  waiting: boolean;
  from: string | null;
  to: string | null;
}

/** The list procedure's input for the URL's filters (malformed URL values are dropped, not sent). */
export function listInputFromUrl(p: ListUrlState) {
  const search = p.q.trim().slice(0, 100);
  return {
    channel: p.channel,
    search: search || null,
    customerId: p.customer && p.customer > 0 ? p.customer : null,
    status: p.status,
    waiting: p.waiting || null,
    from: p.from && isDay(p.from) ? p.from : null,
    to: p.to && isDay(p.to) ? p.to : null,
    limit: LIST_PAGE_SIZE,
  };
}

/** The message search's input for the URL's `q`, or null when it has nothing to search. */
export function messageSearchInputFromUrl(p: ListUrlState) {
  const q = p.q.trim().slice(0, MESSAGE_SEARCH_MAX);
  if (!/[\p{L}\p{N}]/u.test(q)) return null;
  const { channel, customerId, status, waiting, from, to } = listInputFromUrl(p);
  return { q, limit: SEARCH_PAGE_SIZE, customerId, channel, status, waiting, from, to };
}

/** A thread's history input for its URL: `?m=<message id>` (a search hit) or `?date=YYYY-MM-DD`. */
export function historyInputFromUrl(threadId: string, params: { get(name: string): string | null }) {
  const m = params.get('m');
  const date = params.get('date');
  const messageId = m && /^[1-9]\d{0,15}$/.test(m) ? Number(m) : null;
  const day = !messageId && date && isDay(date) ? date : null;
  return { threadId, limit: HISTORY_PAGE_SIZE, aroundMessageId: messageId, aroundDay: day };
}
