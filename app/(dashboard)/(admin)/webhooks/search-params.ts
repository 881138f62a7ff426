import { createLoader, createSerializer } from 'nuqs/server';
import { webhooksSearchParams } from '@/lib/contract/webhooks';

// The webhooks view's state lives in the URL (?status=dead&type=job.updated&q=job_42&event=42),
// parsed by the contract's parsers on the server page (prefetch) and the client (useQueryStates), so
// both build the same query keys and a shared link opens the same event.
export const loadWebhooksSearchParams = createLoader(webhooksSearchParams);
/** The URL of this view with other state: event ids are real links (open in a new tab). */
export const webhooksUrl = createSerializer(webhooksSearchParams);
