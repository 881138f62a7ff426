import { redirect } from 'next/navigation';
import { getSessionUser } from '../_trpc/server';
import { NavLinks } from '../_components/nav-links';
import { SignOutButton } from '../_components/sign-out-button';
import { CostAlertBanner } from '../_components/cost-alert-banner';

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect('/login');
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar" aria-label="Main navigation">
        <div className="brand">Home Services</div>
        <NavLinks isAdmin={user.role === 'admin'} />
        <div className="user-box">
          <div>
            <strong>{user.name}</strong>
          </div>
          <div className="muted">
            {user.email} · <span className="badge">{user.role}</span>
          </div>
          <SignOutButton />
        </div>
      </aside>
      <main className="main" id="main">
        {user.role === 'admin' && <CostAlertBanner />}
        {children}
      </main>
    </div>
  );
}
