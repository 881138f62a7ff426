import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  bulkFilterSchema,
  bulkStartSchema,
  eventIdSchema,
  listInputSchema,
  rejectionsInputSchema,
  replayJobIdSchema,
} from '@/lib/contract/webhooks';
import { listWebhookEvents, webhookEventById, webhookEventTypes, webhookStats } from '../queries/webhooks';
import { listRejections, rejectionCounts } from '../queries/webhooks-rejections';
import {
  cancelBulkReplay,
  driveBulkReplay,
  dryRunBulkReplay,
  recentReplayJobs,
  replayJobById,
  replayWebhookEvent,
  startBulkReplay,
} from '../queries/webhooks-replay';
import { adminProcedure, createRouter, onReplica } from '../trpc';

const notFound = (what = 'No webhook event has this id.') => new TRPCError({ code: 'NOT_FOUND', message: what });

export const webhooksRouter = createRouter({
  /** Counts by status and how long the longest-waiting due event has waited. */
  stats: adminProcedure.use(onReplica).query(({ ctx }) => webhookStats(ctx.db)),

  /** Events newest first, filtered by status, type, id search and received range, paged by `nextCursor`. */
  list: adminProcedure
    .use(onReplica)
    .input(listInputSchema)
    .query(({ ctx, input }) =>
      listWebhookEvents(ctx.db, {
        status: input.status,
        eventType: input.eventType || null,
        search: input.search || null,
        from: input.from,
        to: input.to,
        limit: input.limit,
        cursor: input.cursor,
      }),
    ),

  /** One event with its payload, full last error and attempt history. */
  byId: adminProcedure.input(z.strictObject({ id: eventIdSchema })).query(async ({ ctx, input }) => {
    const event = await webhookEventById(ctx.db, input.id);
    if (!event) throw notFound();
    return event;
  }),

  /** Event types for the filter: those the worker knows and those recently received. */
  eventTypes: adminProcedure.query(({ ctx }) => webhookEventTypes(ctx.db)),

  /** Puts a failed or dead event back in the queue, due now, with fresh attempts. */
  replay: adminProcedure.input(z.strictObject({ id: eventIdSchema })).mutation(async ({ ctx, input }) => {
    const result = await replayWebhookEvent(ctx.db, input.id, ctx.user.email);
    if (result.ok) return { id: input.id, status: 'pending' as const };
    if (result.reason === 'not-found') throw notFound();
    throw new TRPCError({
      code: 'CONFLICT',
      message: `Only failed or dead events can be replayed; this one is ${result.status}.`,
    });
  }),

  /** How many events a bulk replay with this filter would queue (nothing changes). */
  bulkReplayDryRun: adminProcedure.input(bulkFilterSchema).query(({ ctx, input }) => dryRunBulkReplay(ctx.db, input)),

  /**
   * Confirmed bulk replay: records who and what (the audit row), then queues the events in short
   * batches until done or cancelled, and returns the finished job. Progress is readable meanwhile
   * through `replayJobs`; a request that dies half-way leaves the job to the worker to finish.
   */
  bulkReplayStart: adminProcedure.input(bulkStartSchema).mutation(async ({ ctx, input }) => {
    const job = await startBulkReplay(ctx.db, { ...input, by: ctx.user.email });
    await driveBulkReplay(ctx.db, job.id);
    return (await replayJobById(ctx.db, job.id))!;
  }),

  /** Stops a running bulk replay after its current batch. */
  bulkReplayCancel: adminProcedure.input(replayJobIdSchema).mutation(async ({ ctx, input }) => {
    const job = await cancelBulkReplay(ctx.db, input.id, ctx.user.email);
    if (!job) throw notFound('No bulk replay has this id.');
    return job;
  }),

  /** The latest bulk replays: who, which filter, how many; running ones with their progress. */
  replayJobs: adminProcedure.query(({ ctx }) => recentReplayJobs(ctx.db)),

  /** Refused deliveries per reason (last hour, last day) and the latest of them. */
  rejections: adminProcedure.input(rejectionsInputSchema).query(async ({ ctx, input }) => ({
    counts: await rejectionCounts(ctx.db),
    latest: await listRejections(ctx.db, { reason: input.reason, limit: input.limit }),
  })),
});
