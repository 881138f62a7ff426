'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { authClient } from '../_components/auth-client';

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const { error } = await authClient.signIn.email({
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
    });
    if (error) {
      setPending(false);
      setError(
        error.status === 429
          ? 'Too many sign-in attempts. Wait a minute and try again.'
          : 'Email or password is incorrect.',
      );
      return;
    }
    router.replace(next);
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
        <p id="login-error" role="alert" className="error-box" style={{ padding: '0.5rem', textAlign: 'left' }}>
          ⚠ {error}
        </p>
      )}
      <button className="btn btn-primary" type="submit" disabled={pending} style={{ width: '100%', justifyContent: 'center' }}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
