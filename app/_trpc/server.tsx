import 'server-only';

import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { cache } from 'react';
import { appRouter } from '@/server/root';
import { createContext } from '@/server/trpc';
import { makeQueryClient } from './query-client';

/** One query client per request. */
export const getQueryClient = cache(makeQueryClient);

const createRscContext = cache(async () => createContext({ headers: new Headers(await headers()) }));

/** Server components prefetch through this proxy: same procedures, no HTTP hop. */
export const trpc = createTRPCOptionsProxy({
  ctx: createRscContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** The signed-in user for layouts (null when signed out). */
export const getSessionUser = cache(async () => (await createRscContext()).user);

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
