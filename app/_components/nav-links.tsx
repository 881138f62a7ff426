'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/conversations', label: 'Conversations', icon: '💬', admin: false },
  { href: '/bookings', label: 'Bookings', icon: '📅', admin: false },
  { href: '/analytics', label: 'Cost analytics', icon: '📊', admin: true },
  { href: '/database', label: 'Database', icon: '🗄️', admin: true },
  { href: '/attribution', label: 'Attribution', icon: '🧭', admin: true },
] as const;

export function NavLinks({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <nav className="nav">
      {LINKS.filter((l) => isAdmin || !l.admin).map((l) => {
        const active = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <Link key={l.href} href={l.href} aria-current={active ? 'page' : undefined}>
            <span aria-hidden="true">{l.icon}</span>
            {l.label}
            {l.admin && <span className="tag">admin</span>}
          </Link>
        );
      })}
    </nav>
  );
}
