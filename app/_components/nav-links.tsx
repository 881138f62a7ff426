'use client';

import Link, { useLinkStatus } from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/conversations', label: 'Conversations', admin: false },
  { href: '/schedule', label: 'Schedule', admin: false },
  { href: '/bookings', label: 'Bookings', admin: false },
  { href: '/analytics', label: 'Cost analytics', admin: true },
  { href: '/database', label: 'Database', admin: true },
  { href: '/webhooks', label: 'Webhooks', admin: true },
  { href: '/attribution', label: 'Attribution', admin: true },
] as const;

export function NavLinks({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <nav className="nav">
      {LINKS.filter((l) => isAdmin || !l.admin).map((l) => {
        const active = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <Link key={l.href} href={l.href} aria-current={active ? 'page' : undefined}>
            {l.label}
            {l.admin && <span className="tag">admin</span>}
            <PendingHint />
          </Link>
        );
      })}
    </nav>
  );
}

/**
 * A bar under the clicked link while its page loads. The main pages have no loading.tsx (their
 * data takes milliseconds, and a skeleton would make React hold the page back for 300 ms), so the
 * previous page stays until the next one is ready; this says the click was taken.
 */
function PendingHint() {
  const { pending } = useLinkStatus();
  return <span aria-hidden="true" className={pending ? 'nav-pending is-pending' : 'nav-pending'} />;
}
