import { authedProcedure, createRouter } from '../trpc';

export const sessionRouter = createRouter({
  /** Who is signed in: the shell shows it and hides admin links from staff. */
  me: authedProcedure.query(({ ctx }) => ctx.user),
});
