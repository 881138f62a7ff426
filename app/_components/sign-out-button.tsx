'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { authClient } from './auth-client';

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
