import { createLoader, createParser, parseAsStringLiteral } from 'nuqs/server';
import type { WebhookStatus } from '@/db/schema';

// The webhooks view's state lives in the URL (?status=dead&type=job.updated&event=42): one
// definition for the server page (prefetch) and the client (useQueryStates), so both build the same
// query keys and a shared link opens the same event.

export const STATUSES = ['pending', 'processing', 'processed', 'failed', 'dead'] as const satisfies readonly WebhookStatus[];
export type Status = (typeof STATUSES)[number];

/** A positive safe integer written plainly ("12abc", "1e3", "-1" are not ids). */
const parseAsId = createParser({
  parse: (v) => {
    if (!/^[1-9]\d{0,15}$/.test(v)) return null;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  },
  serialize: (n: number) => String(n),
});

/** An event type as the router accepts it (mirrors server/routers/webhooks.ts). */
const parseAsEventType = createParser({
  parse: (v) => (/^[\w.:-]{1,100}$/.test(v) ? v : null),
  serialize: (v: string) => v,
});

export const webhooksSearchParams = {
  status: parseAsStringLiteral(STATUSES),
  type: parseAsEventType,
  event: parseAsId,
};

export const loadWebhooksSearchParams = createLoader(webhooksSearchParams);

export const PAGE_SIZE = 50;

export function listInput(p: { status: Status | null; type: string | null }) {
  return { status: p.status, eventType: p.type, limit: PAGE_SIZE };
}
