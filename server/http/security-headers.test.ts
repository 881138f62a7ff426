import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { config, proxy } from '@/proxy';

const req = (url: string, headers: Record<string, string> = {}) => new NextRequest(url, { headers });

describe('proxy.ts: headers on every response', () => {
  it('a page: CSP with a fresh nonce, no framing, nosniff, referrer policy; no HSTS over http', () => {
    const a = proxy(req('http://localhost:3000/conversations', { cookie: 'better-auth.session_token=x' }));
    const b = proxy(req('http://localhost:3000/conversations', { cookie: 'better-auth.session_token=x' }));
    const csp = a.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toBe(b.headers.get('content-security-policy'));
    expect(a.headers.get('x-frame-options')).toBe('DENY');
    expect(a.headers.get('x-content-type-options')).toBe('nosniff');
    expect(a.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(a.headers.get('strict-transport-security')).toBeNull();
  });

  it('HSTS (and upgrade-insecure-requests) only when the request came over https', () => {
    const res = proxy(req('http://localhost:3000/login', { 'x-forwarded-proto': 'https' }));
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('API and auth answers get the headers too, and are not redirected to sign in', () => {
    for (const path of ['/api/auth/get-session', '/api/webhooks/housecallpro', '/api/ready']) {
      const res = proxy(req(`http://localhost:3000${path}`));
      expect(res.headers.get('location'), path).toBeNull();
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('API answers: a static CSP that allows nothing, no nonce, the request passed on unchanged', () => {
    const a = proxy(req('http://localhost:3000/api/auth/get-session', { cookie: 'better-auth.session_token=x' }));
    const b = proxy(req('http://localhost:3000/api/auth/get-session', { cookie: 'better-auth.session_token=x' }));
    expect(a.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(a.headers.get('content-security-policy')).toBe(b.headers.get('content-security-policy'));
    expect(a.headers.get('x-middleware-override-headers')).toBeNull();
    expect(a.headers.get('x-frame-options')).toBe('DENY');
    const https = proxy(req('http://localhost:3000/api/auth/get-session', { 'x-forwarded-proto': 'https' }));
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    // A page still gets its nonce and the rewritten request headers Next reads it from.
    const page = proxy(req('http://localhost:3000/conversations', { cookie: 'better-auth.session_token=x' }));
    expect(page.headers.get('x-middleware-override-headers')).toContain('x-nonce');
  });

  it('runs on pages and every /api/ route but tRPC, whose route sets the same API headers (trpc-guard.test.ts)', () => {
    // The matcher as Next applies it: the whole path against the pattern.
    const runs = (path: string) => config.matcher.some((m) => new RegExp(`^${m}$`).test(path));
    for (const path of [
      '/',
      '/conversations',
      '/login',
      '/api/auth/get-session',
      '/api/ready',
      '/api/webhooks/housecallpro',
      '/api/trpcx',
    ]) {
      expect(runs(path), path).toBe(true);
    }
    for (const path of [
      '/api/trpc/session.me',
      '/api/trpc/conversations.history,bookings.byCustomer',
      '/_next/static/x.js',
      '/favicon.ico',
    ]) {
      expect(runs(path), path).toBe(false);
    }
  });

  it('a page without a session cookie goes to sign in, remembering a safe path only', () => {
    expect(proxy(req('http://localhost:3000/bookings?customer=1')).headers.get('location')).toBe(
      'http://localhost:3000/login?next=%2Fbookings%3Fcustomer%3D1',
    );
    expect(proxy(req('http://localhost:3000/%5Cevil.example')).headers.get('location')).toBe('http://localhost:3000/login');
  });
});
