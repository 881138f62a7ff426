import { env } from '@/server/env';
import { getServices } from '@/server/services';
import { MAX_BODY_BYTES, readBodyCapped, receiveWebhook } from '@/server/webhooks/receive';

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
  const rawBody = await readBodyCapped(req, MAX_BODY_BYTES);
  if (!rawBody) return Response.json({ ok: false, error: `Body larger than ${MAX_BODY_BYTES} bytes.` }, { status: 413 });
  try {
    const { status, body } = await receiveWebhook(getServices().db, { headers: req.headers, rawBody, secret });
    return Response.json(body, { status });
  } catch (err) {
    // The database is unreachable, say: a 5xx makes the provider deliver again later.
    console.error('[webhooks/housecallpro] could not store the event:', err);
    return Response.json({ ok: false, error: 'Could not store the event; please retry.' }, { status: 500 });
  }
}
