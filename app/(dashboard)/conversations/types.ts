import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/root';

// Client code knows the API only through AppRouter's types.
type Outputs = inferRouterOutputs<AppRouter>['conversations'];
export type ThreadRow = Outputs['list']['threads'][number];
export type HistoryMessage = Outputs['history']['messages'][number];
export type Channel = HistoryMessage['channel'];
export type AuthorType = HistoryMessage['authorType'];
