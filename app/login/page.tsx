import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeNext } from '@/lib/safe-next';
import { env } from '@/server/env';
import { getSessionUser } from '../_trpc/server';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  // A repeated ?next= arrives as an array: anything but one string is the default page.
  const target = safeNext(typeof next === 'string' ? next : undefined);
  if (await getSessionUser()) redirect(target);
  return (
    <main className="login-wrap">
      <div className="card login-card">
        <h1>Sign in</h1>
        <p className="muted">Home Services Dashboard: conversations, bookings and API costs.</p>
        <LoginForm next={target} signInUrl={signInUrl()} />
      </div>
    </main>
  );
}

/** Where sign-in works (BETTER_AUTH_URL), told to a visitor who came by another address. */
function signInUrl(): string {
  return new URL('/login', env().BETTER_AUTH_URL).toString();
}
