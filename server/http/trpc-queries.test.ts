import { createServer, type IncomingMessage, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TRPC_MAX_BATCH } from '@/lib/contract/trpc-limits';
import { seedSmsThread } from '../testing/fixtures';
import { createHarness, type Harness } from '../testing/harness';
import { createDirectTrpcHandler } from './trpc-direct';
import { planQueries } from './trpc-queries';

/**
 * The pages' reads skip tRPC's fetch adapter (server/http/trpc-queries.ts). Whatever the adapter
 * answered, they must answer byte for byte: status, headers, body, the log line. Two real node:http
 * servers on one migrated database (through PgBouncer): the reference sends every request through
 * the fetch adapter (queriesViaFetch), the other takes the direct path; each request goes to both.
 */
let h: Harness;
let locked: Harness;
const servers: Server[] = [];
let viaFetch: string;
let direct: string;
let lockedViaFetch: string;
let lockedDirect: string;
let threadId: string;
let customerId: number;
const ORIGIN = 'http://localhost:3000';
const env = process.env as Record<string, string | undefined>;
const nodeEnv = env.NODE_ENV;

async function listen(harness: Harness, queriesViaFetch: boolean, log = false): Promise<string> {
  const handler = createDirectTrpcHandler({
    services: harness.services,
    guard: () => ({ allowedOrigins: [ORIGIN] }),
    log,
    queriesViaFetch,
  });
  const server = createServer((req, res) => void handler(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  [h, locked] = await Promise.all([createHarness('trpc_queries'), createHarness('trpc_queries_lock', { limits: { lockTimeoutMs: 300 } })]);
  ({ customerId, threadId } = await seedSmsThread(h.db, 60));
  await locked.db.insertInto('customers').values({ id: 7, name: 'Bo Ng', phone: '+15125550112' }).execute();
  [viaFetch, direct, lockedViaFetch, lockedDirect] = await Promise.all([
    listen(h, true),
    listen(h, false),
    listen(locked, true),
    listen(locked, false),
  ]);
  // Signed in before the comparisons; then as scripts/serve.ts runs (no stack traces in answers,
  // which would differ between the two paths' call stacks).
  await Promise.all([h.cookieFor('staff'), h.cookieFor('admin'), locked.cookieFor('staff')]);
  env.NODE_ENV = 'production';
}, 120_000);

afterAll(async () => {
  env.NODE_ENV = nodeEnv;
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  await Promise.all([h?.drop(), locked?.drop()]);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent, after gzip if it was gzipped. */
  text: string;
}

function send(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { headers: { 'x-request-id': 'parity-1', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString() : body.toString();
        // Set by node:http itself, not by either path.
        const { date: _date, connection: _connection, 'keep-alive': _keepAlive, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The same request to both servers: the answers must be equal, and are returned for further checks. */
async function both(path: string, headers: Record<string, string> = {}, bases = [viaFetch, direct], taken = true): Promise<Answer> {
  // Whether the direct path takes it (if not, both answers come from tRPC's adapter).
  const asServed = { method: 'GET', url: path, headers: { 'x-request-id': 'parity-1', ...headers } } as unknown as IncomingMessage;
  expect(planQueries(asServed, TRPC_MAX_BATCH) !== null).toBe(taken);
  const [reference, answer] = await Promise.all(bases.map((b) => send(b, path, headers)));
  expect(answer).toEqual(reference);
  return answer!;
}

const one = (procedure: string, input: unknown) =>
  `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
const batch = (procedures: string[], inputs: Record<number, unknown>) =>
  `/api/trpc/${procedures.join(',')}?batch=1&input=${encodeURIComponent(
    JSON.stringify(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, superjson.serialize(v)]))),
  )}`;
const errorOf = (a: Answer) => superjson.deserialize<{ message: string; data: { code: string } }>(JSON.parse(a.text).error);

describe('reads on the direct path answer exactly what the fetch adapter answers', () => {
  it('a signed-in read: rows, status and every header, gzipped or not', async () => {
    const staff = { cookie: await h.cookieFor('staff') };
    const big = await both(one('conversations.history', { threadId, limit: 50 }), { ...staff, 'accept-encoding': 'gzip' });
    expect(big.status).toBe(200);
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(big.headers.vary).toBe('trpc-accept, accept, Accept-Encoding');
    expect((superjson.deserialize(JSON.parse(big.text).result.data) as { messages: unknown[] }).messages).toHaveLength(50);
    const plain = await both(one('conversations.history', { threadId, limit: 50 }), staff);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const small = await both(one('session.me', undefined), staff);
    expect(small.headers['content-length']).toBe(String(Buffer.byteLength(small.text)));
    expect(JSON.parse(small.text).result.data.json.email).toBe('staff@example.com');
    // A GET may say its (absent) body is JSON: tRPC reads it the same way.
    await both(one('session.me', undefined), { ...staff, 'content-type': 'application/json; charset=utf-8' });
    // Over https (a proxy said so): HSTS on both.
    const https = await both(one('session.me', undefined), { ...staff, 'x-forwarded-proto': 'https' });
    expect(https.headers['strict-transport-security']).toMatch(/max-age=/);
  });

  it('refusals and errors: 401, 403, 400 (schema, NUL), 404, each with the same message and shape', async () => {
    const staff = { cookie: await h.cookieFor('staff') };
    expect((await both(one('conversations.history', { threadId, limit: 50 }))).status).toBe(401);
    expect((await both(one('conversations.history', { threadId, limit: 50 }), { cookie: 'better-auth.session_token=forged' })).status).toBe(
      401,
    );
    expect((await both(one('analytics.costByService', { days: 30 }), staff)).status).toBe(403);
    // (The admin's answer carries the time it was computed, so it is checked on its own.)
    expect((await send(direct, one('analytics.costByService', { days: 30 }), { cookie: await h.cookieFor('admin') })).status).toBe(200);
    const bad = await both(one('conversations.history', { threadId: 'not-a-uuid', limit: 50 }), staff);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).message).toMatch(/Thread id must be a UUID/);
    const nul = await both(one('bookings.searchCustomers', { q: 'a\u0000b' }), staff);
    expect(nul.status).toBe(400);
    const gone = await both(one('conversations.history', { threadId: '00000000-0000-4000-8000-000000000000', limit: 50 }), staff);
    expect(gone.status).toBe(404);
    expect(errorOf(gone).data.code).toBe('NOT_FOUND');
    const noCustomer = await both(one('bookings.byCustomer', { customerId: 987_654 }), staff);
    expect(noCustomer.status).toBe(404);
    // Input missing where the schema wants it, and JSON null.
    expect((await both('/api/trpc/conversations.history', staff)).status).toBe(400);
    // JSON null is not superjson (it cannot be decoded): the adapter answers it, 400 on both.
    expect((await both('/api/trpc/conversations.history?input=null', staff, [viaFetch, direct], false)).status).toBe(400);
  });

  it('batches: all answered (200), mixed outcomes (207), inputs left out, each call in its place', async () => {
    const staff = { cookie: await h.cookieFor('staff') };
    const ok = await both(batch(['session.me', 'conversations.history'], { 0: undefined, 1: { threadId, limit: 5 } }), staff);
    expect(ok.status).toBe(200);
    const mixed = await both(
      batch(['conversations.history', 'conversations.history', 'bookings.byCustomer', 'analytics.costByService'], {
        0: { threadId, limit: 5 },
        1: { threadId: '00000000-0000-4000-8000-000000000000' },
        2: { customerId: 'seven' },
        3: { days: 30 },
      }),
      staff,
    );
    expect(mixed.status).toBe(207);
    expect((JSON.parse(mixed.text) as object[]).map((item) => Object.keys(item)[0])).toEqual(['result', 'error', 'error', 'error']);
    expect((await both('/api/trpc/session.me,session.me?batch=1', staff)).status).toBe(200);
    expect((await both('/api/trpc/session.me,conversations.history?batch=1&input=%7B%7D', staff)).status).toBe(207);
    expect((await both(batch(['bookings.byCustomer'], { 0: { customerId } }), staff)).status).toBe(200);
  });

  it('a busy database: 503 with Retry-After and the same sentence', async () => {
    const cookie = await locked.cookieFor('staff');
    const locker = new pg.Client({ connectionString: locked.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table appointments in access exclusive mode');
      const answer = await both(one('bookings.byCustomer', { customerId: 7 }), { cookie }, [lockedViaFetch, lockedDirect]);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('2');
      expect(errorOf(answer).message).toMatch(/busy for bookings\.byCustomer/);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
  });

  it('a fault in a query: 500 with a plain sentence on both, and the cause in the log', async () => {
    const cookie = await h.cookieFor('staff');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    await sql`alter table shared_thread_messages rename to shared_thread_messages_away`.execute(h.db);
    try {
      const answer = await both(one('conversations.history', { threadId, limit: 5 }), { cookie });
      expect(answer.status).toBe(500);
      expect(errorOf(answer).message).toBe('Something went wrong on the server. Try again; if it keeps happening, tell an admin.');
      expect(answer.text).not.toContain('shared_thread_messages');
      const logged = errors.mock.calls.filter(([line]) => String(line).startsWith('[trpc] parity-1 conversations.history'));
      expect(logged).toHaveLength(2);
      expect(String(logged[1]![1])).toContain('shared_thread_messages');
    } finally {
      await sql`alter table shared_thread_messages_away rename to shared_thread_messages`.execute(h.db);
      errors.mockRestore();
    }
  });

  it('writes the same request log line', async () => {
    const [a, b] = await Promise.all([listen(h, true, true), listen(h, false, true)]);
    const cookie = await h.cookieFor('staff');
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    try {
      for (const base of [a, b]) {
        await send(base, batch(['session.me', 'conversations.history'], { 0: undefined, 1: { threadId: 'nope' } }), { cookie });
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      write.mockRestore();
    }
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(parsed).toHaveLength(2);
    const [reference, answer] = parsed.map(({ time: _t, durationMs, ...rest }) => {
      expect(typeof durationMs).toBe('number');
      return rest;
    });
    expect(reference).toMatchObject({ route: 'session.me,conversations.history', method: 'GET', role: 'staff', status: 207 });
    expect(answer).toEqual(reference);
  });
});

describe('planQueries takes only what it answers exactly as tRPC would', () => {
  const req = (url: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
    ({ method: init.method ?? 'GET', url, headers: init.headers ?? {} }) as unknown as IncomingMessage;
  const plan = (url: string, init?: Parameters<typeof req>[1]) => planQueries(req(url, init), TRPC_MAX_BATCH);

  it('takes GET of known queries, one or a batch within the cap, with their decoded inputs', () => {
    const single = plan(one('conversations.history', { threadId: 'x', limit: 5 }));
    expect(single).toMatchObject({ route: 'conversations.history', batch: false });
    expect(single!.calls.map((c) => c.input)).toEqual([{ threadId: 'x', limit: 5 }]);
    const two = plan(batch(['session.me', 'analytics.costByService'], { 1: { days: 7 } }));
    expect(two!.calls.map((c) => [c.path, c.input])).toEqual([
      ['session.me', undefined],
      ['analytics.costByService', { days: 7 }],
    ]);
    const capped = Array.from({ length: TRPC_MAX_BATCH }, () => 'session.me').join(',');
    expect(plan(`/api/trpc/${capped}?batch=1`)!.calls).toHaveLength(TRPC_MAX_BATCH);
  });

  it('hands everything else to the fetch adapter', () => {
    const me = one('session.me', undefined);
    expect(plan(me, { method: 'POST' })).toBeNull();
    expect(plan(me, { method: 'HEAD' })).toBeNull();
    expect(plan(one('analytics.setBudget', { service: 'twilio', monthlyCents: 1 }))).toBeNull(); // a mutation
    expect(plan(one('conversations.live', {}))).toBeNull(); // a subscription
    expect(plan(one('conversations.noSuchThing', {}))).toBeNull();
    expect(plan('/api/trpc/toString')).toBeNull();
    expect(plan('/api/trpc/conversations.history?input=%7Bnot-json')).toBeNull();
    expect(plan('/api/trpc/session.me,session.me?batch=1&input=%5B1%5D')).toBeNull(); // a batch's inputs are an object
    expect(plan('/api/trpc/session.me,session.me?batch=1&input=7')).toBeNull();
    expect(plan(`/api/trpc/${Array.from({ length: TRPC_MAX_BATCH + 1 }, () => 'session.me').join(',')}?batch=1`)).toBeNull();
    expect(plan('/api/trpc/session%2Eme')).toBeNull();
    expect(plan('/api/trpc/session.me#x')).toBeNull();
    expect(plan('/api/trpc/session.me?connectionParams=1')).toBeNull();
    expect(plan(me, { headers: { 'trpc-accept': 'application/jsonl' } })).toBeNull();
    expect(plan(me, { headers: { 'content-type': 'multipart/form-data; boundary=x' } })).toBeNull();
    // Input superjson refuses to decode: tRPC answers that its own way.
    expect(plan('/api/trpc/session.me?input=' + encodeURIComponent('{"json":{"a":1},"meta":{"values":{"a":["bogus"]}}}'))).toBeNull();
    expect(plan('/api/trpc/session.me?input=' + encodeURIComponent('{"json":1,"meta":{"values":{"__proto__.x":["Date"]}}}'))).toBeNull();
  });
});
