'use client';

import type { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import superjson from 'superjson';
import { z } from 'zod';
import { TRPC_MAX_BATCH } from '@/lib/contract/trpc-limits';
import type { AppRouter } from '@/server/root';
import { makeQueryClient } from './query-client';

// The CSP allows no eval: zod 4 otherwise probes `Function("")` at its first object parse (to
// decide whether to compile parsers), which the browser refuses and reports as a CSP violation.
// Client-side inputs are tiny, so the interpreted path costs nothing that shows.
z.config({ jitless: true });

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;
function getQueryClient() {
  if (typeof window === 'undefined') return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: React.ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Subscriptions (live conversations) over server-sent events; everything else batched.
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: '/api/trpc', transformer: superjson }),
          // A batch answers when its slowest call does: a query marked `context: { skipBatch: true }`
          // (a slow secondary section, such as the analytics page's top spenders) goes alone, so a
          // range switch's numbers never wait for it. maxItems: the server refuses bigger batches
          // (server/http/trpc-guard.ts).
          false: splitLink({
            condition: (op) => op.context.skipBatch === true,
            true: httpLink({ url: '/api/trpc', transformer: superjson }),
            false: httpBatchLink({ url: '/api/trpc', transformer: superjson, maxItems: TRPC_MAX_BATCH }),
          }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
