import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { WEBHOOK_STATUSES, type WebhookStatus } from '@/db/schema';
import {
  listWebhookEvents,
  replayWebhookEvent,
  webhookEventById,
  webhookEventTypes,
  webhookStats,
} from '../queries/webhooks';
import { adminProcedure, createRouter, onReplica } from '../trpc';

const eventId = z
  .number({ message: 'Event id must be a number.' })
  .int('Event id must be a whole number.')
  .positive('Event id must be positive.')
  .max(Number.MAX_SAFE_INTEGER, 'Event id is too large.');

const status = z.enum(WEBHOOK_STATUSES as [WebhookStatus, ...WebhookStatus[]], {
  message: `Status must be one of ${WEBHOOK_STATUSES.join(', ')}.`,
});

const eventType = z
  .string({ message: 'Event type must be text.' })
  .max(100, 'Event type can be at most 100 characters.')
  .regex(/^[\w.:-]*$/, 'Event type may contain letters, digits and . _ : - only.');

const listInput = z.strictObject({
  status: status.nullish(),
  eventType: eventType.nullish(),
  limit: z
    .number({ message: 'Limit must be a number.' })
    .int('Limit must be a whole number.')
    .min(1, 'Limit must be at least 1.')
    .max(100, 'Limit can be at most 100.')
    .default(50),
  // useInfiniteQuery's page param: the id of the last event of the previous page.
  cursor: eventId.nullish(),
  direction: z.enum(['forward', 'backward']).optional(),
});

export const webhooksRouter = createRouter({
  /** Counts by status and the age of the oldest waiting event. */
  stats: adminProcedure.use(onReplica).query(({ ctx }) => webhookStats(ctx.db)),

  /** Events newest first, optionally of one status and/or type, paged by `nextCursor`. */
  list: adminProcedure.use(onReplica).input(listInput).query(({ ctx, input }) =>
    listWebhookEvents(ctx.db, { status: input.status, eventType: input.eventType || null, limit: input.limit, cursor: input.cursor }),
  ),

  /** One event with its payload and error history. */
  byId: adminProcedure.input(z.strictObject({ id: eventId })).query(async ({ ctx, input }) => {
    const event = await webhookEventById(ctx.db, input.id);
    if (!event) throw new TRPCError({ code: 'NOT_FOUND', message: 'No webhook event has this id.' });
    return event;
  }),

  /** Event types for the filter: those the worker knows and those recently received. */
  eventTypes: adminProcedure.query(({ ctx }) => webhookEventTypes(ctx.db)),

  /** Puts a failed or dead event back in the queue, due now, with fresh attempts. */
  replay: adminProcedure.input(z.strictObject({ id: eventId })).mutation(async ({ ctx, input }) => {
    const result = await replayWebhookEvent(ctx.db, input.id, ctx.user.email);
    if (result.ok) return { id: input.id, status: 'pending' as const };
    if (result.reason === 'not-found') throw new TRPCError({ code: 'NOT_FOUND', message: 'No webhook event has this id.' });
    throw new TRPCError({
      code: 'CONFLICT',
      message: `Only failed or dead events can be replayed; this one is ${result.status}.`,
    });
  }),
});
