import { createLoader, parseAsString, parseAsStringLiteral } from 'nuqs/server';

// The list's filters live in the URL (shareable, survive reload). One definition for the server
// page (prefetch) and the client list (useQueryStates), so both build the same query key.
export const CHANNEL_FILTERS = ['web', 'sms', 'voice'] as const;
export type ChannelFilter = (typeof CHANNEL_FILTERS)[number];

export const listSearchParams = {
  channel: parseAsStringLiteral(CHANNEL_FILTERS),
  q: parseAsString.withDefault(''),
};

export const loadListSearchParams = createLoader(listSearchParams);

export const LIST_PAGE_SIZE = 30;
export const HISTORY_PAGE_SIZE = 50;

/** The list procedure's input for the URL's filters (search trimmed and capped like the API). */
export function listInput(params: { channel: ChannelFilter | null; q: string }) {
  const search = params.q.trim().slice(0, 100);
  return { channel: params.channel, search: search || null, limit: LIST_PAGE_SIZE };
}
