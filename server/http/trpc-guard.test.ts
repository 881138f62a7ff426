import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../root';
import { createHarness, type Harness } from '../testing/harness';
import { createContext } from '../trpc';
import { API_CSP } from './security-headers';
import { guardTrpc, TRPC_MAX_BATCH } from './trpc-guard';

// The route's own composition (app/api/trpc/[trpc]/route.ts) over the test database.
let h: Harness;
let handler: (req: Request) => Promise<Response>;
const ORIGIN = 'http://localhost:3000';

beforeAll(async () => {
  h = await createHarness('trpcguard');
  handler = guardTrpc(
    (req) =>
      fetchRequestHandler({
        endpoint: '/api/trpc',
        req,
        router: appRouter,
        maxBatchSize: TRPC_MAX_BATCH,
        createContext: () => createContext({ headers: req.headers, services: h.services }),
      }),
    () => ({ allowedOrigins: [ORIGIN] }),
  );
});
afterAll(() => h?.drop());

async function explainAs(origin: string | null) {
  const headers = new Headers({ 'content-type': 'application/json', cookie: await h.cookieFor('admin') });
  if (origin !== null) headers.set('origin', origin);
  const body = JSON.stringify(superjson.serialize({ id: 'no-such-query' }));
  const res = await handler(new Request('http://localhost/api/trpc/database.explainAnalyze', { method: 'POST', headers, body }));
  return { status: res.status, json: (await res.json()) as any, res };
}

describe('tRPC mutations need the dashboard Origin', () => {
  it('a foreign Origin with the admin cookie is 403 before the procedure runs', async () => {
    const r = await explainAs('http://evil.example');
    expect(r.status).toBe(403);
    expect(r.json.error.json.message).toContain('http://evil.example');
    expect(r.json.error.json.data.code).toBe('FORBIDDEN');
  });

  it('a POST without Origin is 403', async () => {
    const r = await explainAs(null);
    expect(r.status).toBe(403);
    expect(r.json.error.json.message).toMatch(/no Origin/);
  });

  it('the dashboard Origin reaches the procedure (which then judges the input)', async () => {
    const r = await explainAs(ORIGIN);
    expect(r.status).toBeLessThan(500);
    expect(r.status).not.toBe(403);
  });

  it('queries (GET) need no Origin: a browser sends none on same-origin GETs', async () => {
    const headers = new Headers({ cookie: await h.cookieFor('staff') });
    const res = await handler(new Request('http://localhost/api/trpc/session.me', { headers }));
    expect(res.status).toBe(200);
  });
});

describe('every answer carries the API security headers (proxy.ts does not run on /api/trpc/)', () => {
  const expectApiHeaders = (res: Response, https: boolean) => {
    expect(res.headers.get('content-security-policy')).toBe(API_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('permissions-policy')).toContain('camera=()');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('strict-transport-security')).toBe(https ? 'max-age=31536000; includeSubDomains' : null);
  };

  it('an answer, an error and a refusal; HSTS only over https', async () => {
    const cookie = await h.cookieFor('staff');
    const ok = await handler(new Request('http://localhost/api/trpc/session.me', { headers: { cookie } }));
    expect(ok.status).toBe(200);
    expectApiHeaders(ok, false);
    const anonymous = await handler(new Request('http://localhost/api/trpc/session.me', { headers: { 'x-forwarded-proto': 'https' } }));
    expect(anonymous.status).toBe(401);
    expectApiHeaders(anonymous, true);
    const refused = (await explainAs('http://evil.example')).res;
    expect(refused.status).toBe(403);
    expectApiHeaders(refused, false);
  });
});

describe('batches are capped', () => {
  const batch = (n: number, method: 'GET' | 'POST') => {
    const paths = Array.from({ length: n }, () => 'identity.verifyCode').join(',');
    const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, superjson.serialize({})]));
    const headers = new Headers({ 'content-type': 'application/json', origin: ORIGIN });
    const url = `http://localhost/api/trpc/${paths}?batch=1`;
    return handler(new Request(url, { method, headers, body: method === 'POST' ? JSON.stringify(input) : undefined }));
  };

  it(`more than ${TRPC_MAX_BATCH} calls in one anonymous POST is 400 with a message, and nothing runs`, async () => {
    const res = await batch(700, 'POST');
    expect(res.status).toBe(400);
    const json: any = await res.json();
    expect(json.error.json.message).toBe(`A batch may carry at most ${TRPC_MAX_BATCH} calls; this one has 700. Split it.`);
  });

  it(`${TRPC_MAX_BATCH} calls still run (each refused on its own merits)`, async () => {
    const res = await batch(TRPC_MAX_BATCH, 'POST');
    const json: any = await res.json();
    expect(Array.isArray(json)).toBe(true);
    expect(json).toHaveLength(TRPC_MAX_BATCH);
    expect(json.every((r: any) => r.error?.json?.data?.code === 'BAD_REQUEST')).toBe(true);
  });
});

describe('answers are never cached', () => {
  it('an authenticated answer carries Cache-Control: no-store', async () => {
    const headers = new Headers({ cookie: await h.cookieFor('admin') });
    const res = await handler(new Request('http://localhost/api/trpc/session.me', { headers }));
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
  it('so does a refusal', async () => {
    const r = await explainAs('http://evil.example');
    expect(r.res.headers.get('cache-control')).toBe('no-store');
  });
});
