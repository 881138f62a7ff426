import { getSessionCookie } from 'better-auth/cookies';
import { type NextRequest, NextResponse } from 'next/server';

/**
 * A cheap first gate: a request without any session cookie is sent to sign in, remembering where
 * it was going. The real check (is the session valid, which role) happens in the dashboard layout
 * and in every tRPC procedure.
 */
export function proxy(request: NextRequest) {
  if (getSessionCookie(request)) return NextResponse.next();
  const url = new URL('/login', request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== '/') url.searchParams.set('next', next);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but sign-in, the APIs (they answer 401 themselves) and static files.
  matcher: ['/((?!login|api|_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)'],
};
