import { analyticsRouter } from './routers/analytics';
import { attributionRouter } from './routers/attribution';
import { bookingsRouter } from './routers/bookings';
import { conversationsRouter } from './routers/conversations';
import { databaseRouter } from './routers/database';
import { identityRouter } from './routers/identity';
import { scheduleRouter } from './routers/schedule';
import { sessionRouter } from './routers/session';
import { webhooksRouter } from './routers/webhooks';
import { createCallerFactory, createRouter } from './trpc';

/** The one place routers are listed. */
export const appRouter = createRouter({
  session: sessionRouter,
  conversations: conversationsRouter,
  identity: identityRouter,
  attribution: attributionRouter,
  bookings: bookingsRouter,
  schedule: scheduleRouter,
  database: databaseRouter,
  webhooks: webhooksRouter,
  analytics: analyticsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
