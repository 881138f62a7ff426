import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptsGzip, COMPRESS_MIN_BYTES, serveFetchHandler } from './node-fetch-bridge';

/**
 * The bridge scripts/serve.ts answers /api/trpc/ with: a real node:http server around a handler,
 * and raw HTTP requests (node:http, which neither asks for nor decodes gzip unless told).
 */
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: (req: Request) => Promise<Response>, options?: { maxBodyBytes?: number }): Promise<string> {
  server = createServer((req, res) => void serveFetchHandler(req, res, handler, options));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('serveFetchHandler', () => {
  it('passes method, path, query, headers and body to the handler, and its status and headers back (each Set-Cookie apart)', async () => {
    let seen: { method: string; url: string; cookie: string | null; body: string } | undefined;
    const base = await serve(async (req) => {
      seen = { method: req.method, url: req.url, cookie: req.headers.get('cookie'), body: await req.text() };
      const headers = new Headers({ 'content-type': 'application/json', 'x-request-id': 'abc' });
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; Path=/; HttpOnly');
      return new Response('{"ok":true}', { status: 207, headers });
    });
    const res = await raw(`${base}/api/trpc/x.y?input=%7B%7D`, { method: 'POST', headers: { cookie: 's=1' }, body: '{"n":1}' });
    expect(seen).toEqual({ method: 'POST', url: `${base}/api/trpc/x.y?input=%7B%7D`, cookie: 's=1', body: '{"n":1}' });
    expect(res.status).toBe(207);
    expect(res.headers['x-request-id']).toBe('abc');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/; HttpOnly']);
    expect(res.headers['content-length']).toBe('11');
    expect(res.body.toString()).toBe('{"ok":true}');
  });

  it('gzips an answer of 1 kB or more when the client accepts gzip, and says Vary: Accept-Encoding', async () => {
    const big = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `customer ${i}` })) });
    const base = await serve(async () => new Response(big, { headers: { 'content-type': 'application/json' } }));
    const zipped = await raw(`${base}/api/trpc/a`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(big.length / 3);
    expect(gunzipSync(zipped.body).toString()).toBe(big);

    const plain = await raw(`${base}/api/trpc/a`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.toString()).toBe(big);

    const refused = await raw(`${base}/api/trpc/a`, { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('sends a small answer as it is', async () => {
    const small = 'x'.repeat(COMPRESS_MIN_BYTES - 1);
    const base = await serve(async () => new Response(small, { headers: { 'content-type': 'application/json' } }));
    const res = await raw(`${base}/api/trpc/a`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(small);
  });

  it('writes an event stream as each event comes, and aborts the request when the client leaves', async () => {
    let aborted: () => void;
    const abortedP = new Promise<void>((resolve) => (aborted = resolve));
    let tick: (() => void) | undefined;
    const base = await serve(async (req) => {
      req.signal.addEventListener('abort', () => aborted());
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: first\n\n'));
          tick = () => controller.enqueue(new TextEncoder().encode('data: second\n\n'));
          req.signal.addEventListener('abort', () => controller.close());
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const received: string[] = [];
    const gotFirst = new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${base}/api/trpc/live`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        expect(res.headers['content-encoding']).toBeUndefined();
        res.on('data', (c: Buffer) => {
          received.push(c.toString());
          if (received.length === 1) resolve();
          // The second event arrived while the stream is still open: nothing was held back. Leave.
          if (received.length === 2) req.destroy();
        });
      });
      req.on('error', () => {});
      req.on('close', () => (received.length === 0 ? reject(new Error('closed before the first event')) : undefined));
      req.end();
    });
    await gotFirst;
    expect(received).toEqual(['data: first\n\n']);
    tick!();
    await abortedP;
    expect(received).toEqual(['data: first\n\n', 'data: second\n\n']);
  });

  it('refuses a request body over the limit without reading it all', async () => {
    const base = await serve(
      async (req) => {
        try {
          await req.arrayBuffer();
          return new Response('read', { status: 200 });
        } catch {
          return new Response('too large', { status: 413 });
        }
      },
      { maxBodyBytes: 1_000 },
    );
    const res = await raw(`${base}/api/trpc/a`, { method: 'POST', body: Buffer.alloc(5_000, 'a') });
    expect(res.status).toBe(413);
    const ok = await raw(`${base}/api/trpc/a`, { method: 'POST', body: Buffer.alloc(900, 'a') });
    expect(ok.body.toString()).toBe('read');
  });

  it('answers 500 with a plain sentence and the API headers when the handler itself throws', async () => {
    const base = await serve(async () => {
      throw new Error('relation "secret_table" does not exist');
    });
    const res = await raw(`${base}/api/trpc/a`);
    expect(res.status).toBe(500);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.toString()).not.toContain('secret_table');
    expect(JSON.parse(res.body.toString()).error.json.message).toMatch(/^Something went wrong on the server/);
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br, zstd', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['*', true],
    ['GZIP', true],
    ['gzip;q=0', false],
    ['br', false],
    ['identity', false],
    ['', false],
    [undefined, false],
  ])('%s -> %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
