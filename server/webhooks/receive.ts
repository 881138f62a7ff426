import { createHash } from 'node:crypto';
import type { Db } from '@/db/client';
import type { RejectionReason } from '@/lib/contract/webhooks';
import { eventIdentity, PROVIDER } from './events';
import { recordRejection } from './rejections';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './signature';

/** Largest body accepted. HousecallPro job payloads are a few KB; anything near this is not one. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface ReceiveInput {
  headers: Headers;
  rawBody: Uint8Array;
  secret: string;
  now?: Date;
  /** The sender's address, for the rejected-deliveries log (rejections.ts sourceAddress). */
  sourceIp?: string | null;
}

export interface ReceiveResult {
  status: number;
  body: { ok: true; id: number | null; duplicate: boolean } | { ok: false; error: string };
}

const fail = (status: number, error: string): ReceiveResult => ({ status, body: { ok: false, error } });

/** A refusal, answered and recorded in the rejected-deliveries log (rejections.ts; capped). */
async function refuse(db: Db, input: ReceiveInput, status: number, reason: RejectionReason, error: string): Promise<ReceiveResult> {
  await recordRejection(db, {
    reason,
    detail: error,
    sourceIp: input.sourceIp ?? null,
    rawBody: input.rawBody,
    bodyBytes: input.rawBody.byteLength,
  });
  return fail(status, error);
}

// SQLSTATEs PostgreSQL answers when it cannot store a body JavaScript parsed fine: invalid text
// representation, untranslatable character (\u0000 in jsonb), JSON nested beyond its stack.
const UNSTORABLE_JSON = new Set(['22P02', '22P05', '22021', '54001']);

/**
 * A webhook delivery: verify, parse, store. Insert only (one statement, ~1 ms), so the provider
 * gets its 2xx at once; applying the event is the worker's job (worker.ts). A duplicate delivery
 * is acknowledged and stored once. Nothing is stored unless the signature holds and the body is a
 * JSON object PostgreSQL accepts.
 */
export async function receiveWebhook(db: Db, input: ReceiveInput): Promise<ReceiveResult> {
  if (input.rawBody.byteLength > MAX_BODY_BYTES) return refuse(db, input, 413, 'too_large', `Body larger than ${MAX_BODY_BYTES} bytes.`);

  const check = verifySignature({
    signature: input.headers.get(SIGNATURE_HEADER),
    timestamp: input.headers.get(TIMESTAMP_HEADER),
    rawBody: input.rawBody,
    secret: input.secret,
    now: input.now ?? new Date(),
  });
  if (!check.ok) return refuse(db, input, 401, check.reason === 'stale' ? 'stale_timestamp' : 'bad_signature', check.message);

  let text: string;
  let payload: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(input.rawBody);
    payload = JSON.parse(text);
  } catch {
    return refuse(db, input, 400, 'bad_body', 'Body is not valid UTF-8 JSON.');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return refuse(db, input, 400, 'bad_body', 'Body must be a JSON object.');
  }

  const { eventId, eventType } = eventIdentity(payload as Record<string, unknown>);
  const providerEventId = eventId ?? `sha256:${createHash('sha256').update(input.rawBody).digest('hex')}`;
  try {
    const row = await db
      .insertInto('webhook_events')
      // The raw text, not a re-serialisation: PostgreSQL parses it as jsonb (and is the judge of
      // what jsonb can hold).
      .values({ provider: PROVIDER, provider_event_id: providerEventId, event_type: eventType, payload: text })
      .onConflict((oc) => oc.columns(['provider', 'provider_event_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return { status: 200, body: { ok: true, id: row?.id ?? null, duplicate: !row } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code && UNSTORABLE_JSON.has(code)) {
      return refuse(db, input, 400, 'bad_body', 'Body is JSON that cannot be stored (NUL characters or nesting too deep).');
    }
    throw err;
  }
}

/**
 * Reads a request body up to `limit` bytes; null when it is longer (the caller answers 413). Stops
 * reading at the limit rather than buffering whatever a sender streams; Content-Length, when
 * present, refuses early.
 */
export async function readBodyCapped(req: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}
