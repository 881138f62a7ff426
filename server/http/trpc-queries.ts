import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import {
  type AnyProcedure,
  getErrorShape,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  TRPCError as TRPCErrorClass,
} from '@trpc/server/unstable-core-do-not-import';
import { appRouter } from '../root';
import { logRequest, requestId } from '../runtime/request-log';
import type { Services } from '../services';
import { type Context, createContext, type RequestMeta } from '../trpc';
import { answerServerFault, sendBody } from './node-fetch-bridge';
import { cameOverHttps, setApiSecurityHeaders } from './security-headers';
import { reportTrpcError, trpcResponseHeaders } from './trpc-handler';

/**
 * The dashboard's reads, answered on node:http without the fetch adapter (issue 23). Every page's
 * data is a GET of one or a batch of tRPC queries; tRPC's fetch adapter turned each into a WHATWG
 * Request (headers copied, abort signals combined), ran it, built a Response and the bridge read it
 * back into a Buffer: about a sixth of a request's CPU in a profile at 50 connections.
 *
 * This path runs the same procedures (the same middlewares, context, schemas and error formatter)
 * and writes what the fetch adapter would: the same JSON, status (207 for a batch of mixed
 * outcomes), headers and log line; server/http/trpc-queries.test.ts holds it to that, answer for
 * answer. It takes only what it can answer exactly as tRPC would, and planQueries() hands
 * everything else to the fetch adapter: POST (mutations), subscriptions, an unknown path, a batch
 * over the cap (the guard refuses it), input that is not JSON or that the transformer refuses, a
 * streaming (`trpc-accept`) or form request, and any address that URL parsing would rewrite.
 */

export interface QueryCall {
  path: string;
  procedure: AnyProcedure;
  input: unknown;
}

export interface QueryPlan {
  /** The procedure path(s) as requested: "a.b" or, for a batch, "a.b,c.d". */
  route: string;
  batch: boolean;
  calls: QueryCall[];
}

const PREFIX = '/api/trpc/';
/** Dotted procedure names, comma-separated in a batch: nothing URL parsing would decode or rewrite. */
const PLAIN_PATH = /^[A-Za-z0-9_.,]+$/;

/** The request's calls when this path can answer them exactly as tRPC would; null hands it to tRPC. */
export function planQueries(req: IncomingMessage, maxBatch: number): QueryPlan | null {
  if (req.method !== 'GET') return null;
  const url = req.url;
  if (!url || !url.startsWith(PREFIX) || url.includes('#')) return null;
  // tRPC picks its content-type handler (JSON, form data, octet) from this header (a GET without
  // one is JSON), and streams the answer for trpc-accept: application/jsonl.
  const type = req.headers['content-type'];
  if (type !== undefined && type.toLowerCase().split(';', 1)[0]!.trim() !== 'application/json') return null;
  if (req.headers['trpc-accept'] !== undefined) return null;
  const q = url.indexOf('?');
  const route = q < 0 ? url.slice(PREFIX.length) : url.slice(PREFIX.length, q);
  if (!PLAIN_PATH.test(route)) return null;
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  if (params.has('connectionParams')) return null;
  const batch = params.get('batch') === '1';
  const paths = batch ? route.split(',') : [route];
  if (batch && paths.length > maxBatch) return null;

  const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure | undefined>;
  const transformer = appRouter._def._config.transformer;
  let inputs: unknown;
  const text = params.get('input');
  try {
    if (text) inputs = JSON.parse(text);
  } catch {
    return null;
  }
  if (batch && inputs !== undefined && !isObject(inputs)) return null;

  const calls: QueryCall[] = [];
  for (let index = 0; index < paths.length; index++) {
    const path = paths[index]!;
    const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
    if (!procedure || procedure._def.type !== 'query') return null;
    const raw = inputs === undefined ? undefined : batch ? (inputs as Record<number, unknown>)[index] : inputs;
    let input: unknown;
    try {
      input = raw === undefined ? undefined : transformer.input.deserialize(raw);
    } catch {
      return null;
    }
    calls.push({ path, procedure, input });
  }
  return { route, batch, calls };
}

type Item = { result: { data: unknown } } | { error: ReturnType<typeof getErrorShape> };

/** Runs the plan's calls and writes the answer; never throws (a fault answers 500 or cuts the socket). */
export async function serveQueries(
  plan: QueryPlan,
  req: IncomingMessage,
  res: ServerResponse,
  options: { services?: Services; log?: boolean } = {},
): Promise<void> {
  const started = performance.now();
  const headers = requestHeaders(req);
  const id = requestId(headers);
  const meta: RequestMeta = { role: 'anonymous', node: 'primary' };
  const config = appRouter._def._config;
  // A procedure's signal aborts when the client goes away before its answer is written.
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableEnded) abort.abort();
  });
  try {
    let ctx: Context | undefined;
    let ctxError: TRPCError | undefined;
    try {
      ctx = await createContext({ headers, services: options.services, meta });
    } catch (cause) {
      ctxError = getTRPCErrorFromUnknown(cause);
    }
    const errors: TRPCError[] = [];
    const items = await Promise.all(
      plan.calls.map(async (call, batchIndex): Promise<Item> => {
        let read = false;
        try {
          if (ctxError) throw ctxError;
          const data: unknown = await call.procedure({
            path: call.path,
            getRawInput: async () => {
              read = true;
              return call.input;
            },
            ctx,
            type: 'query',
            signal: abort.signal,
            batchIndex,
          });
          if (isDataStream(data)) {
            throw new TRPCErrorClass({
              code: 'UNSUPPORTED_MEDIA_TYPE',
              message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
            });
          }
          return { result: { data } };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          errors.push(error);
          reportTrpcError(id, call.path, error);
          const input = read ? call.input : undefined;
          return { error: getErrorShape({ config, ctx, error, input, path: call.path, type: 'query' }) };
        }
      }),
    );
    const serialize = config.transformer.output.serialize;
    const wire = items.map((item) =>
      'error' in item ? { error: serialize(item.error) } : { result: { data: serialize(item.result.data) } },
    );
    const status = getHTTPStatusCode(plan.batch ? items : items[0]!);
    const body = JSON.stringify(plan.batch ? wire : wire[0]);

    // What the fetch adapter, handleTrpc's responseMeta and the guard set, in that order.
    res.statusCode = status;
    res.setHeader('vary', 'trpc-accept, accept');
    res.setHeader('content-type', 'application/json');
    for (const [name, value] of trpcResponseHeaders(id, errors)) res.setHeader(name, value);
    res.setHeader('cache-control', 'no-store');
    // The URL the fetch adapter builds is https only on a TLS socket (or an HTTP/2 https scheme).
    const scheme = req.headers[':scheme'] === 'https' || ('encrypted' in req.socket && req.socket.encrypted === true) ? 'https:' : 'http:';
    setApiSecurityHeaders({ set: (name, value) => void res.setHeader(name, value) }, cameOverHttps(headers, scheme));
    await sendBody(req, res, Buffer.from(body));

    if (options.log !== false) {
      logRequest({
        requestId: id,
        route: plan.route,
        method: 'GET',
        role: meta.role,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        dbNode: meta.node,
      });
    }
  } catch (err) {
    console.error('[trpc] answering a query failed outside tRPC:', err);
    if (res.headersSent) res.destroy();
    else await answerServerFault(req, res).catch(() => res.destroy());
  }
}

/** The request's headers as the fetch adapter copies them (HTTP/2 pseudo-headers left out). */
function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const incoming = req.headers;
  for (const name in incoming) {
    if (name.startsWith(':')) continue;
    const value = incoming[name];
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value != null) headers.append(name, value);
  }
  return headers;
}

/** tRPC's test for an answer it would have to stream (an async iterable, or promises at the top). */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  return Object.values(value).some((v) => isPromise(v) || isAsyncIterable(v));
}
