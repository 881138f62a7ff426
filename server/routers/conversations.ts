import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Channel } from '@/db/schema';
import {
  decodeMessageCursor,
  decodeThreadCursor,
  listThreads,
  threadById,
  threadHistory,
} from '../queries/conversations';
import { authedProcedure, createRouter, onReplica } from '../trpc';

// z.guid: any 8-4-4-4-12 hex id PostgreSQL's uuid type accepts (z.uuid would also demand RFC
// version bits, which ids written by other tools need not carry).
const threadId = z.guid({ message: 'Thread id must be a UUID such as 0b7c4c8e-3f1a-4c55-9a43-1d2f6a9e8b10.' });

const limit = (fallback: number) =>
  z
    .number({ message: 'Limit must be a number.' })
    .int('Limit must be a whole number.')
    .min(1, 'Limit must be at least 1.')
    .max(100, 'Limit can be at most 100.')
    .default(fallback);

/** An opaque cursor from a previous page; anything else is a BAD_REQUEST, never a database error. */
function cursorOf<T>(decode: (s: string) => T | null) {
  return z
    .string({ message: 'Cursor must be the nextCursor string of a previous page.' })
    .max(200, 'Cursor is too long.')
    .transform((s, ctx) => {
      const decoded = decode(s);
      if (!decoded) {
        ctx.addIssue({ code: 'custom', message: 'Cursor is not valid: start again from the first page.' });
        return z.NEVER;
      }
      return decoded;
    })
    .nullish();
}

// useInfiniteQuery sends `direction` with every page; it is accepted and, since these lists only
// page one way (older), ignored.
const direction = z.enum(['forward', 'backward']).optional();

const listInput = z.strictObject({
  channel: z.enum(['web', 'sms', 'voice'] satisfies Channel[], { message: 'Channel must be one of web, sms or voice.' }).nullish(),
  search: z
    .string({ message: 'Search must be text.' })
    .max(100, 'Search can be at most 100 characters.')
    // PostgreSQL text cannot hold NUL; other control characters never belong in a name or phone.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'Search may not contain control characters.')
    .nullish(),
  limit: limit(30),
  cursor: cursorOf(decodeThreadCursor),
  direction,
});

const historyInput = z.strictObject({
  threadId,
  limit: limit(50),
  cursor: cursorOf(decodeMessageCursor),
  direction,
});

export const conversationsRouter = createRouter({
  /** Threads, most recent activity first, optionally of one channel or matching a name/phone search. */
  list: authedProcedure.use(onReplica).input(listInput).query(({ ctx, input }) =>
    listThreads(ctx.db, { channel: input.channel, search: input.search, limit: input.limit, cursor: input.cursor }),
  ),

  /** One thread's header: who it is with, its channels, its size, the linked customer. */
  byId: authedProcedure.input(z.strictObject({ threadId })).query(async ({ ctx, input }) => {
    const thread = await threadById(ctx.db, input.threadId);
    if (!thread) throw new TRPCError({ code: 'NOT_FOUND', message: 'No conversation has this id.' });
    return thread;
  }),

  /** A thread's messages, newest first, paged backwards in time by `nextCursor`. */
  history: authedProcedure.use(onReplica).input(historyInput).query(async ({ ctx, input }) => {
    const page = await threadHistory(ctx.db, { threadId: input.threadId, limit: input.limit, cursor: input.cursor });
    // An empty page is either an empty thread or no thread at all: only then look the thread up.
    if (page.messages.length === 0 && !(await threadById(ctx.db, input.threadId))) {
      throw new TRPCError({ code: 'NOT_FOUND', message: 'No conversation has this id.' });
    }
    return page;
  }),
});
