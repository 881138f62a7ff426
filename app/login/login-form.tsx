'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { safeNext } from '@/lib/safe-next';
import { authClient } from '../_components/auth-client';
import { signInErrorText } from './sign-in-error';

export function LoginForm({ next, signInUrl }: { next: string; signInUrl: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    let retryAfter: string | null = null;
    const { error } = await authClient.signIn.email(
      { email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') },
      { onError: (ctx) => void (retryAfter = ctx.response.headers.get('retry-after') ?? ctx.response.headers.get('x-retry-after')) },
    );
    if (error) {
      setPending(false);
      setError(signInErrorText({ status: error.status, code: error.code, retryAfter, signInUrl, here: window.location.origin }));
      return;
    }
    router.replace(safeNext(next));
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate={false} aria-describedby={error ? 'login-error' : undefined}>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input className="input" id="email" name="email" type="email" autoComplete="username" required autoFocus />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input className="input" id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      {error && (
        <p id="login-error" role="alert" className="error-box" style={{ padding: '0.5rem', textAlign: 'left', overflowWrap: 'anywhere' }}>
          ⚠ {error}
        </p>
      )}
      <button className="btn btn-primary" type="submit" disabled={pending} style={{ width: '100%', justifyContent: 'center' }}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
