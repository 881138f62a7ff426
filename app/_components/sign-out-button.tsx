'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';

export function SignOutButton() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  return (
    <button
      className="btn"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        // better-auth's client loads on the click: every dashboard page draws this button, and none
        // needs the client before someone signs out (it was part of every page's first-load JS).
        const { authClient } = await import('./auth-client');
        await authClient.signOut();
        // Nothing of the previous user's data may stay in the cache.
        queryClient.clear();
        router.replace('/login');
        router.refresh();
      }}
    >
      Sign out
    </button>
  );
}
