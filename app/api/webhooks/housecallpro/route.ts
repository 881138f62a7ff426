import { env } from '@/server/env';
import { getServices } from '@/server/services';
import { MAX_BODY_BYTES, readBodyCapped, receiveWebhook } from '@/server/webhooks/receive';
import { recordRejection, sourceAddress } from '@/server/webhooks/rejections';

/**
 * HousecallPro webhook deliveries. A thin wrapper: the verification and storage live in
 * server/webhooks/receive.ts (tested without Next); applying events is the worker's job.
 */
export async function POST(req: Request): Promise<Response> {
  const secret = env().HOUSECALLPRO_WEBHOOK_SECRET;
  if (!secret) {
    return Response.json(
      { ok: false, error: 'HousecallPro webhooks are not configured: set HOUSECALLPRO_WEBHOOK_SECRET on the server.' },
      { status: 503 },
    );
  }
  const sourceIp = sourceAddress(req.headers);
  const rawBody = await readBodyCapped(req, MAX_BODY_BYTES);
  if (!rawBody) {
    const error = `Body larger than ${MAX_BODY_BYTES} bytes.`;
    // Not read past the limit, so no hash: the declared length says how big it claimed to be.
    const declared = Number(req.headers.get('content-length'));
    const bodyBytes = Number.isSafeInteger(declared) && declared > MAX_BODY_BYTES ? declared : MAX_BODY_BYTES + 1;
    await recordRejection(getServices().db, { reason: 'too_large', detail: error, sourceIp, rawBody: null, bodyBytes });
    return Response.json({ ok: false, error }, { status: 413 });
  }
  try {
    const { status, body } = await receiveWebhook(getServices().db, { headers: req.headers, rawBody, secret, sourceIp });
    return Response.json(body, { status });
  } catch (err) {
    // The database is unreachable, say: a 5xx makes the provider deliver again later.
    console.error('[webhooks/housecallpro] could not store the event:', err);
    return Response.json({ ok: false, error: 'Could not store the event; please retry.' }, { status: 500 });
  }
}
