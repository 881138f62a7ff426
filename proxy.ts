import { getSessionCookie } from 'better-auth/cookies';
import { type NextRequest, NextResponse } from 'next/server';
import { safeNext } from '@/lib/safe-next';
import { API_CSP, cameOverHttps, contentSecurityPolicy, HSTS, newNonce, STATIC_SECURITY_HEADERS } from '@/server/http/security-headers';

/**
 * Runs on every request but static files and the tRPC endpoint:
 * 1. security headers, with a fresh CSP nonce per request (Next reads it from the request's CSP
 *    header and puts it on its scripts; the pages render dynamically, see app/layout.tsx);
 *    JSON endpoints under /api/ get a static CSP instead and their request is not rewritten;
 * 2. a cheap first gate for pages: no session cookie at all means sign in first, remembering
 *    where the visitor was going. The real check (valid session, role) is in the dashboard layout
 *    and in every tRPC procedure; the APIs answer 401 themselves.
 * /api/trpc/ is left out (the matcher below): the dashboard's hot path, where invoking the proxy
 * cost a share of every request (issue 23), and its route sets the same API headers itself
 * (server/http/trpc-guard.ts, setApiSecurityHeaders).
 */
export function proxy(request: NextRequest) {
  const https = cameOverHttps(request.headers, request.nextUrl.href);
  const { pathname, search } = request.nextUrl;
  // JSON endpoints: a static CSP, the request passed on untouched (no nonce: no page renders here).
  if (pathname.startsWith('/api/')) return withHeaders(NextResponse.next(), API_CSP, https);

  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https });
  let response: NextResponse;
  if (needsSessionCookie(pathname) && !getSessionCookie(request)) {
    const url = new URL('/login', request.url);
    const next = safeNext(pathname + search, '/');
    if (next !== '/') url.searchParams.set('next', next);
    response = NextResponse.redirect(url);
  } else {
    const headers = new Headers(request.headers);
    headers.set('x-nonce', nonce);
    headers.set('content-security-policy', csp);
    response = NextResponse.next({ request: { headers } });
  }
  return withHeaders(response, csp, https);
}

function withHeaders(response: NextResponse, csp: string, https: boolean): NextResponse {
  response.headers.set('content-security-policy', csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.headers.set(name, value);
  if (https) response.headers.set('strict-transport-security', HSTS);
  return response;
}

function needsSessionCookie(pathname: string): boolean {
  return !(pathname === '/login' || pathname.startsWith('/login/') || pathname.startsWith('/api/'));
}

export const config = {
  // Everything but Next's static files (they get the static headers from next.config.mjs) and the
  // tRPC endpoint (its route sets the API headers).
  matcher: ['/((?!_next/static|_next/image|api/trpc/|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)'],
};
