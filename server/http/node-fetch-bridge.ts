import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { SERVER_FAULT_MESSAGE } from '../trpc';
import { trpcErrorResponse, withApiHeaders } from './trpc-guard';

/**
 * Serves a fetch-style handler (Request in, Response out: the tRPC route's own function) straight
 * on node:http, for scripts/serve.ts's direct /api/trpc path (issue 23): the same guard, handler,
 * headers and status as the Next route, without Next's per-request routing and render machinery.
 *
 * - Request: tRPC's own IncomingMessage -> Request conversion; its signal aborts when the client
 *   goes away (a live-updates stream then ends), and a body over maxBodyBytes is refused (413).
 * - Response: status and headers as the handler set them (each Set-Cookie kept apart); a JSON
 *   answer of 1 kB or more is gzipped when the client accepts it (what `next start` does with
 *   its `compression` middleware); an event stream is written chunk by chunk, uncompressed, so
 *   every event leaves at once.
 */
const gzip = promisify(gzipCallback);

/** Answers below this size go out as they are (the same threshold as `compression`'s default). */
export const COMPRESS_MIN_BYTES = 1024;
/** tRPC request bodies are a few kB at most (mutations' inputs); anything near this is not ours. */
export const MAX_BODY_BYTES = 1_000_000;

export async function serveFetchHandler(
  req: IncomingMessage,
  res: ServerResponse,
  handler: (request: Request) => Promise<Response>,
  options: { maxBodyBytes?: number } = {},
): Promise<void> {
  let request: Request;
  try {
    request = incomingMessageToRequest(req, res, { maxBodySize: options.maxBodyBytes ?? MAX_BODY_BYTES });
  } catch {
    // createURL refuses a target that is not a URL path ("Invalid URL").
    return writeFetchResponse(
      req,
      res,
      withApiHeaders(trpcErrorResponse(400, 'BAD_REQUEST', 'The request address is not a valid URL.'), false),
    );
  }
  let response: Response;
  try {
    response = await handler(request);
  } catch (err) {
    // handleTrpc answers every procedure error itself; this is a fault in the bridge or the guard.
    console.error('[trpc] the handler threw outside tRPC:', err);
    return answerServerFault(req, res);
  }
  try {
    await writeFetchResponse(req, res, response);
  } catch (err) {
    // Nothing may escape as an unhandled rejection (it would stop the server): cut this response.
    console.error('[trpc] writing the answer failed:', err);
    res.destroy();
  }
}

/** A fault outside tRPC's own error handling: 500, the plain sentence, the API's headers. */
export function answerServerFault(req: IncomingMessage, res: ServerResponse): Promise<void> {
  return writeFetchResponse(req, res, withApiHeaders(trpcErrorResponse(500, 'INTERNAL_SERVER_ERROR', SERVER_FAULT_MESSAGE), false));
}

export async function writeFetchResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);

  if (!response.body) {
    res.end();
    return;
  }
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await streamBody(res, response.body);
    return;
  }
  await sendBody(req, res, Buffer.from(await response.arrayBuffer()));
}

/**
 * A whole answer whose status and headers are set: gzipped when it is 1 kB or more, not encoded
 * yet, and the client accepts gzip (Vary says so either way), with its length.
 */
export async function sendBody(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  if (body.length >= COMPRESS_MIN_BYTES && !res.hasHeader('content-encoding')) {
    const vary = res.getHeader('vary');
    res.setHeader('vary', appendVary(vary === undefined ? null : Array.isArray(vary) ? vary.join(', ') : String(vary), 'Accept-Encoding'));
    if (acceptsGzip(req.headers['accept-encoding'])) {
      body = await gzip(body);
      res.setHeader('content-encoding', 'gzip');
    }
  }
  res.setHeader('content-length', body.length);
  res.end(body);
}

/** Writes each chunk as it comes (flushing), honouring backpressure; stops when the client leaves. */
async function streamBody(res: ServerResponse, body: ReadableStream<Uint8Array>): Promise<void> {
  res.flushHeaders();
  const reader = body.getReader();
  const onClose = () => void reader.cancel().catch(() => {});
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
      if (res.destroyed) break;
    }
  } catch {
    // The stream ended with the request (client gone, server shutting down): nothing to answer.
  } finally {
    res.off('close', onClose);
    if (!res.writableEnded) res.end();
  }
}

/** gzip with a non-zero q-value ("gzip", "gzip;q=0.8", "*"), as a browser or curl --compressed sends. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of value.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

function appendVary(existing: string | null, name: string): string {
  if (!existing) return name;
  return existing
    .toLowerCase()
    .split(',')
    .some((v) => v.trim() === name.toLowerCase())
    ? existing
    : `${existing}, ${name}`;
}
