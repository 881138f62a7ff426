import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPC_MAX_BATCH } from '@/lib/contract/trpc-limits';
import { seedSmsThread } from '../testing/fixtures';
import { createHarness, type Harness } from '../testing/harness';
import { createDirectTrpcHandler, isDirectTrpcRequest } from './trpc-direct';

/**
 * scripts/serve.ts answers /api/trpc/ itself (issue 23). Whatever the Next route answered, this
 * path must answer the same: the same rows, statuses, refusals and headers. A real node:http server
 * around the direct handler, against a migrated database reached through PgBouncer; the Next
 * route's function (handleTrpc, via h.http) is the reference.
 */
let h: Harness;
let server: Server;
let base: string;
let threadId: string;
const ORIGIN = 'http://localhost:3000';

beforeAll(async () => {
  h = await createHarness('trpc_direct');
  ({ threadId } = await seedSmsThread(h.db, 80));
  const handler = createDirectTrpcHandler({ services: h.services, guard: () => ({ allowedOrigins: [ORIGIN] }), log: false });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await h?.drop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString() : body.toString();
        resolve({ status: res.statusCode!, headers: res.headers, text });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const q = (procedure: string, input: unknown) =>
  `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
const decoded = (a: Answer) => superjson.deserialize(JSON.parse(a.text).result.data);
const errorOf = (a: Answer) =>
  superjson.deserialize<{ message: string; data: { code: string; httpStatus: number; stack?: string } }>(JSON.parse(a.text).error);

describe('the direct /api/trpc/ path', () => {
  it('serves GET and POST under /api/trpc/ only; anything else goes to Next', () => {
    expect(isDirectTrpcRequest('GET', '/api/trpc/conversations.list?input=%7B%7D')).toBe(true);
    expect(isDirectTrpcRequest('POST', '/api/trpc/analytics.setBudget')).toBe(true);
    expect(isDirectTrpcRequest('HEAD', '/api/trpc/session.me')).toBe(false);
    expect(isDirectTrpcRequest('OPTIONS', '/api/trpc/session.me')).toBe(false);
    expect(isDirectTrpcRequest('GET', '/api/trpcx/session.me')).toBe(false);
    expect(isDirectTrpcRequest('GET', '/api/auth/get-session')).toBe(false);
    expect(isDirectTrpcRequest('GET', '/conversations')).toBe(false);
  });

  it('answers a signed-in query with the same rows as the Next route, with the API headers', async () => {
    const input = { threadId, limit: 50 };
    const res = await send(q('conversations.history', input), {
      headers: { cookie: await h.cookieFor('staff'), 'accept-encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    const viaRoute = await h.http('staff', 'conversations.history', input);
    const direct = decoded(res) as { messages: { body: string }[] };
    expect(direct.messages).toHaveLength(50);
    expect(direct).toEqual(viaRoute.body.result);
    // As the route's guard sets them: never cached, nothing may load, run or frame.
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-request-id']).toMatch(/\S/);
    // 50 messages are several kB: gzipped for a client that asks, as next start's compression did.
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('refuses a request without a session (401), and an admin procedure to staff (403)', async () => {
    const anon = await send(q('conversations.history', { threadId, limit: 50 }));
    expect(anon.status).toBe(401);
    expect(errorOf(anon).data.code).toBe('UNAUTHORIZED');
    const staff = await send(q('analytics.costByService', { days: 30 }), { headers: { cookie: await h.cookieFor('staff') } });
    expect(staff.status).toBe(403);
    const admin = await send(q('analytics.costByService', { days: 30 }), { headers: { cookie: await h.cookieFor('admin') } });
    expect(admin.status).toBe(200);
  });

  it('answers bad input 400 with the readable message, an unknown thread 404, an unknown procedure 404', async () => {
    const cookie = await h.cookieFor('staff');
    // As scripts/serve.ts runs it (NODE_ENV=production): no stack trace in what the browser gets.
    const env = process.env as Record<string, string | undefined>;
    const nodeEnv = env.NODE_ENV;
    env.NODE_ENV = 'production';
    const bad = await send(q('conversations.history', { threadId: 'not-a-uuid', limit: 50 }), { headers: { cookie } }).finally(
      () => (env.NODE_ENV = nodeEnv),
    );
    expect(bad.status).toBe(400);
    expect(errorOf(bad).message).toMatch(/Thread id must be a UUID/);
    expect(errorOf(bad).data.stack).toBeUndefined();
    const gone = await send(q('conversations.history', { threadId: '00000000-0000-4000-8000-000000000000', limit: 50 }), {
      headers: { cookie },
    });
    expect(gone.status).toBe(404);
    const unknown = await send(q('conversations.noSuchThing', {}), { headers: { cookie } });
    expect(unknown.status).toBe(404);
    const garbage = await send('/api/trpc/conversations.history?input=%7Bnot-json', { headers: { cookie } });
    expect(garbage.status).toBe(400);
  });

  it('keeps the guard: a mutation without an Origin, or from another site, is refused before it runs; a batch over the cap is refused', async () => {
    const cookie = await h.cookieFor('admin');
    const body = JSON.stringify(superjson.serialize({ service: 'twilio', monthlyCents: 5_000 }));
    const noOrigin = await send('/api/trpc/analytics.setBudget', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body,
    });
    expect(noOrigin.status).toBe(403);
    const foreign = await send('/api/trpc/analytics.setBudget', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('https://evil.example');
    const calls = Array.from({ length: TRPC_MAX_BATCH + 1 }, () => 'session.me').join(',');
    const batch = await send(`/api/trpc/${calls}?batch=1&input=%7B%7D`, { headers: { cookie } });
    expect(batch.status).toBe(400);
    expect(batch.headers['cache-control']).toBe('no-store');
  });

  it('answers a batch within the cap, each call its own result', async () => {
    const cookie = await h.cookieFor('staff');
    const input = encodeURIComponent(JSON.stringify({ 0: superjson.serialize(undefined), 1: superjson.serialize({ threadId, limit: 5 }) }));
    const res = await send(`/api/trpc/session.me,conversations.history?batch=1&input=${input}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const [me, history] = JSON.parse(res.text) as { result: { data: never } }[];
    expect((superjson.deserialize(me!.result.data) as { email: string }).email).toBe('staff@example.com');
    expect((superjson.deserialize(history!.result.data) as { messages: unknown[] }).messages).toHaveLength(5);
  });

  it('refuses a request body over 1 MB with 413, and still answers the next request', async () => {
    const cookie = await h.cookieFor('admin');
    const huge = await send('/api/trpc/analytics.setBudget', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ json: { service: 'x'.repeat(1_100_000) } }),
    });
    expect(huge.status).toBe(413);
    const after = await send(q('session.me', undefined), { headers: { cookie } });
    expect(after.status).toBe(200);
  });
});
