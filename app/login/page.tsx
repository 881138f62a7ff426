import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getSessionUser } from '../_trpc/server';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const target = safeNext(next);
  if (await getSessionUser()) redirect(target);
  return (
    <main className="login-wrap">
      <div className="card login-card">
        <h1>Sign in</h1>
        <p className="muted">Home Services Dashboard: conversations, bookings and API costs.</p>
        <LoginForm next={target} />
      </div>
    </main>
  );
}

/** Only same-site paths: a crafted ?next= must not send someone to another site. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/conversations';
}
