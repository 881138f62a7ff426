import { Forbidden } from '@/app/_components/forbidden';
import { getSessionUser } from '@/app/_trpc/server';

// The one admin check for pages: every page under (admin)/ renders only for admins. The procedures
// these pages call check the role again (adminProcedure); this layout is what a staff member sees
// instead of a page of errors. The parent (dashboard) layout has already sent signed-out visitors
// to /login. Next renders a page alongside its layouts, so a page's prefetches still start here; they
// fail fast in adminProcedure (before any SQL) and their result is never sent.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await getSessionUser();
  if (user?.role !== 'admin') return <Forbidden />;
  return children;
}
