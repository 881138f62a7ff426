import { createLoader, parseAsStringLiteral } from 'nuqs/server';
import { z } from 'zod';

// The Database page's contract: its sections (the `tab` URL parameter) and the inputs of its
// procedures. No server code: the router, the query functions and the page import it alike.

export const DATABASE_TABS = ['overview', 'queries', 'indexes', 'tables', 'activity', 'consistency'] as const;
export type DatabaseTab = (typeof DATABASE_TABS)[number];
/** `?tab=`: which section the page shows; anything unknown reads as the Overview. */
export const databaseSearchParams = { tab: parseAsStringLiteral(DATABASE_TABS).withDefault('overview') };
export const loadDatabaseSearchParams = createLoader(databaseSearchParams);

export const DATABASE_TAB_LABEL: Record<DatabaseTab, string> = {
  overview: 'Overview',
  queries: 'Queries',
  indexes: 'Indexes',
  tables: 'Tables',
  activity: 'Activity',
  consistency: 'Consistency',
};

/** The dashboard's own queries whose plans the page shows (server/queries/db-health-app-queries.ts). */
export const APP_QUERY_IDS = [
  'conversations.history',
  'conversations.list',
  'conversations.list.search',
  'bookings.searchCustomers',
  'bookings.byCustomer',
  'analytics.costByService',
  'identity.otpRateLimitCounts',
  'schedule.day',
  'schedule.weekStatus',
  'schedule.weekCounts',
  'schedule.weekCountsStatus',
] as const;
export type AppQueryId = (typeof APP_QUERY_IDS)[number];

export const explainAnalyzeInput = z.strictObject({
  id: z.enum(APP_QUERY_IDS, { message: `id must be one of ${APP_QUERY_IDS.join(', ')}` }),
});

export const BACKEND_ACTIONS = ['cancel', 'terminate'] as const;
export type BackendAction = (typeof BACKEND_ACTIONS)[number];

/** Cancel a session's running query, or end the session: a pid from the Activity list. */
export const backendActionInput = z.strictObject({
  pid: z.int({ message: 'pid must be a whole number' }).positive({ message: 'pid must be positive' }),
  action: z.enum(BACKEND_ACTIONS, { message: 'action must be cancel or terminate' }),
});
export type BackendActionInput = z.infer<typeof backendActionInput>;
