import { on } from 'node:events';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  cursorSchema,
  historyInputSchema,
  liveInputSchema,
  listInputSchema,
  messageSearchInputSchema,
  threadIdSchema,
} from '@/lib/contract/conversations';
import { businessTimeZone } from '../env';
import { conversationsFeed, type FeedEvent } from '../live/conversations-feed';
import { decodeMessageCursor, decodeThreadCursor } from '../queries/conversations-cursors';
import { listThreads } from '../queries/conversations-list';
import { messageSearch } from '../queries/conversations-search';
import { threadById, threadHistory, threadHistoryAround } from '../queries/conversations';
import { authedProcedure, createRouter, onReplica } from '../trpc';

/** An opaque cursor from a previous page; anything else is a BAD_REQUEST, never a database error. */
function cursorOf<T>(decode: (s: string) => T | null) {
  return cursorSchema
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

const listInput = listInputSchema
  .extend({ cursor: cursorOf(decodeThreadCursor) })
  .refine((i) => !i.from || !i.to || i.from <= i.to, { message: 'The start date must not be after the end date.', path: ['to'] });

const searchInput = messageSearchInputSchema.refine((i) => !i.from || !i.to || i.from <= i.to, {
  message: 'The start date must not be after the end date.',
  path: ['to'],
});

const historyInput = historyInputSchema
  .extend({ cursor: cursorOf(decodeMessageCursor) })
  .refine((i) => !(i.aroundMessageId && i.aroundDay), { message: 'Open the thread at a message or at a day, not both.' });

const NOT_FOUND = () => new TRPCError({ code: 'NOT_FOUND', message: 'No conversation has this id.' });

export const conversationsRouter = createRouter({
  /**
   * Threads, most recent activity first (waiting on us: oldest wait first), filtered by channel,
   * customer, status, waiting, last-activity dates, and a name/phone/email search.
   */
  list: authedProcedure
    .use(onReplica)
    .input(listInput)
    .query(({ ctx, input }) =>
      listThreads(ctx.db, {
        channel: input.channel,
        search: input.search,
        customerId: input.customerId,
        status: input.status,
        waiting: input.waiting,
        from: input.from,
        to: input.to,
        timeZone: businessTimeZone(),
        limit: input.limit,
        cursor: input.cursor,
      }),
    ),

  /** Messages and voice transcripts matching a web-search style query, best of the newest first. */
  searchMessages: authedProcedure
    .use(onReplica)
    .input(searchInput)
    .query(({ ctx, input }) => messageSearch(ctx.db, { ...input, timeZone: businessTimeZone() })),

  /** One thread's header: who it is with, its channels, its size, the linked customer. */
  byId: authedProcedure.input(z.strictObject({ threadId: threadIdSchema })).query(async ({ ctx, input }) => {
    const thread = await threadById(ctx.db, input.threadId);
    if (!thread) throw NOT_FOUND();
    return thread;
  }),

  /**
   * A thread's messages, newest first. By default its newest page, then older pages by
   * `nextCursor`; `direction: 'backward'` with `prevCursor` gives newer ones; `aroundMessageId`
   * (a search hit) or `aroundDay` (jump to date) open it at that point; with a cursor they are
   * ignored, so useInfiniteQuery can page on from the point it opened at.
   */
  history: authedProcedure
    .use(onReplica)
    .input(historyInput)
    .query(async ({ ctx, input }) => {
      const { threadId, limit } = input;
      let page;
      if (!input.cursor && (input.aroundMessageId || input.aroundDay)) {
        const at = input.aroundMessageId ? { messageId: input.aroundMessageId } : { day: input.aroundDay!, timeZone: businessTimeZone() };
        page = await threadHistoryAround(ctx.db, { threadId, limit, at });
        if (!page) {
          if (!(await threadById(ctx.db, threadId))) throw NOT_FOUND();
          throw new TRPCError({ code: 'NOT_FOUND', message: 'This conversation has no message with that id.' });
        }
      } else {
        const direction = input.direction === 'backward' ? 'newer' : 'older';
        page = await threadHistory(ctx.db, { threadId, limit, cursor: input.cursor, direction });
      }
      // An empty page is either an empty thread or no thread at all: only then look the thread up.
      if (page.messages.length === 0 && !(await threadById(ctx.db, threadId))) throw NOT_FOUND();
      return page;
    }),

  /**
   * Server-sent events: which threads got new messages (`current` when the open thread did), or
   * `resync` after the feed reconnected (notifications may have been missed: refetch).
   */
  live: authedProcedure.input(liveInputSchema).subscription(async function* ({ input, signal }) {
    const feed = conversationsFeed();
    try {
      for await (const [event] of on(feed, 'event', { signal })) {
        const e = event as FeedEvent;
        if (e.kind === 'resync') yield { kind: 'resync' as const, threadIds: [] as string[], current: true };
        else yield { kind: 'threads' as const, threadIds: e.threadIds, current: !!input.threadId && e.threadIds.includes(input.threadId) };
      }
    } catch (error) {
      if (!signal?.aborted) throw error; // the browser went away: a normal end
    }
  }),
});
