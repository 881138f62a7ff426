import { conversationsRouter } from './routers/conversations';
import { sessionRouter } from './routers/session';
import { createCallerFactory, createRouter } from './trpc';

/** The one place routers are listed. */
export const appRouter = createRouter({
  session: sessionRouter,
  conversations: conversationsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
