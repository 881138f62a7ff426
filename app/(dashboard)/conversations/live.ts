'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef } from 'react';
import { useTRPC } from '@/app/_trpc/client';

/**
 * The list follows new messages: each event (server-sent, see conversations.live) refetches the
 * list and the message search, at most every 250 ms however many threads change. The subscription
 * reconnects by itself after a network drop (tRPC's SSE link); a `resync` after the server's
 * database connection came back refetches the same way.
 */
export function useLiveList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  useSubscription(
    trpc.conversations.live.subscriptionOptions(
      {},
      {
        onData: () => {
          if (timer.current) return;
          timer.current = setTimeout(() => {
            timer.current = null;
            void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.pathKey() });
            void queryClient.invalidateQueries({ queryKey: trpc.conversations.searchMessages.pathKey() });
          }, 250);
        },
      },
    ),
  );
}

/** Calls `onChange` when the open thread got messages (or after a resync). */
export function useLiveThread(threadId: string, onChange: () => void) {
  const trpc = useTRPC();
  const latest = useRef(onChange);
  latest.current = onChange;
  useSubscription(trpc.conversations.live.subscriptionOptions({ threadId }, { onData: (e) => void (e.current && latest.current()) }));
}
