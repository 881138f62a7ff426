import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';
import superjson from 'superjson';

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Data prefetched on the server is fresh on arrival: no refetch on hydration.
        staleTime: 30_000,
        retry: (count, error) => {
          // Browser: TRPCClientError carries data.code; server prefetch: TRPCError carries code.
          const e = error as { code?: string; data?: { code?: string } };
          const code = e.data?.code ?? e.code;
          // Retrying cannot fix a bad request or a missing permission.
          if (code && ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'].includes(code)) return false;
          return count < 2;
        },
      },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
        // Errors are shown by the client's error boundary, with retry; don't redact them.
        shouldRedactErrors: () => false,
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
