import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

// pg type parsers (db/client.ts) turn int8 and numeric into JS numbers, so bigint ids, counts and
// money sums arrive as `number`. Ids stay far below 2^53.
type Id = ColumnType<number, number | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampNullable = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Numeric = ColumnType<number, number | string, number | string>;

export type Channel = 'web' | 'sms' | 'voice';
export const CHANNELS: readonly Channel[] = ['web', 'sms', 'voice'];
export type Direction = 'inbound' | 'outbound';
export type AuthorType = 'customer' | 'staff' | 'assistant' | 'system';
export type AppointmentStatus = 'scheduled' | 'confirmed' | 'in_progress' | 'completed' | 'cancelled' | 'no_show';
export const APPOINTMENT_STATUSES: readonly AppointmentStatus[] = [
  'scheduled',
  'confirmed',
  'in_progress',
  'completed',
  'cancelled',
  'no_show',
];
export type WebhookStatus = 'pending' | 'processing' | 'processed' | 'failed' | 'dead';
export const WEBHOOK_STATUSES: readonly WebhookStatus[] = ['pending', 'processing', 'processed', 'failed', 'dead'];
/** One entry of webhook_events.errors (0008): a failed attempt, an expired lease, or a replay. */
export interface WebhookErrorEntry {
  at: string;
  attempt: number;
  kind: 'error' | 'lease_expired' | 'replay';
  message: string;
}
export type ConversionEvent = 'visit' | 'first_message' | 'identity_linked' | 'booking_made' | 'job_completed';

export interface CustomersTable {
  id: Id;
  name: string;
  phone: string | null;
  email: string | null;
  housecallpro_id: string | null;
  /** Where the work is done, one line ("4821 Maple St, Plano, TX 75024"); null when unknown. */
  service_address: string | null;
  /** HousecallPro's updated_at of the record last applied (0008): older events never overwrite it. */
  source_updated_at: TimestampNullable;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SharedThreadsTable {
  id: ColumnType<string, string | undefined, never>;
  customer_id: number | null;
  channels: ColumnType<Channel[], Channel[] | undefined, Channel[]>;
  contact_phone: string | null;
  contact_name: string | null;
  status: ColumnType<'open' | 'closed', 'open' | 'closed' | undefined, 'open' | 'closed'>;
  message_count: ColumnType<number, number | undefined, number>;
  last_message_at: TimestampNullable;
  last_message_preview: string | null;
  /** Direction of the newest message, kept with the summary (thread_waiting migration). */
  last_direction: ColumnType<Direction | null, Direction | null | undefined, Direction | null>;
  linked_at: TimestampNullable;
  created_at: Timestamp;
}

export interface SharedThreadMessagesTable {
  id: Id;
  thread_id: string;
  channel: Channel;
  direction: Direction;
  author_type: AuthorType;
  author_name: string | null;
  body: string;
  voice_duration_seconds: number | null;
  voice_transcript: string | null;
  voice_recording_url: string | null;
  created_at: Timestamp;
  /** Generated from body and voice_transcript (message_search migration): never written. */
  search_vector: ColumnType<string, never, never>;
}

export interface AppointmentsTable {
  id: Id;
  customer_id: number;
  housecallpro_job_id: string | null;
  date: ColumnType<Date, Date | string, Date | string>;
  duration_minutes: ColumnType<number, number | undefined, number>;
  status: ColumnType<AppointmentStatus, AppointmentStatus | undefined, AppointmentStatus>;
  service_type: string;
  technician: string | null;
  amount_cents: number | null;
  notes: string | null;
  source_updated_at: TimestampNullable;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiUsageTable {
  id: Id;
  service: string;
  endpoint: string;
  units: ColumnType<number, number | undefined, number>;
  unit_type: ColumnType<string, string | undefined, string>;
  estimated_cost_cents: ColumnType<number, number | string | undefined, number | string>;
  thread_id: string | null;
  created_at: Timestamp;
}

export interface SharedThreadPendingLinksTable {
  id: ColumnType<string, string | undefined, never>;
  thread_id: string;
  destination_type: 'phone' | 'email';
  destination: string;
  code_hash: string;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  verified_at: TimestampNullable;
  consumed_at: TimestampNullable;
}

export interface WebhookEventsTable {
  id: Id;
  provider: ColumnType<string, string | undefined, string>;
  provider_event_id: string;
  event_type: string;
  payload: ColumnType<unknown, string, string>;
  status: ColumnType<WebhookStatus, WebhookStatus | undefined, WebhookStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  received_at: Timestamp;
  processed_at: TimestampNullable;
  errors: ColumnType<WebhookErrorEntry[], string | undefined, string>;
  /** Last put back in the queue by hand (webhooks_recovery migration). */
  replayed_at: TimestampNullable;
}

export type WebhookReplayJobStatus = 'running' | 'done' | 'cancelled' | 'failed';
/** A bulk replay (webhooks_recovery migration): audit row and progress in one. */
export interface WebhookReplayJobsTable {
  id: Id;
  created_by: string;
  created_at: Timestamp;
  filter: ColumnType<unknown, string, string>;
  up_to_id: number;
  expected: number;
  queued: ColumnType<number, number | undefined, number>;
  cursor_id: ColumnType<number, number | undefined, number>;
  status: ColumnType<WebhookReplayJobStatus, WebhookReplayJobStatus | undefined, WebhookReplayJobStatus>;
  heartbeat_at: Timestamp;
  finished_at: TimestampNullable;
  cancelled_by: string | null;
  error: string | null;
}

export type WebhookRejectionReason = 'bad_signature' | 'stale_timestamp' | 'bad_body' | 'too_large';
/** A refused delivery (webhooks_recovery migration); capped per minute and reason. */
export interface WebhookRejectionsTable {
  id: Id;
  received_at: Timestamp;
  reason: WebhookRejectionReason;
  detail: string;
  source_ip: string | null;
  body_sha256: string | null;
  body_bytes: number;
}
export interface WebhookRejectionCountsTable {
  minute: Date;
  reason: WebhookRejectionReason;
  n: number;
}

export interface AttributionDataTable {
  id: Id;
  visitor_id: string;
  thread_id: string | null;
  customer_id: number | null;
  source: string;
  medium: string | null;
  campaign: string | null;
  landing_page: string | null;
  conversion_event: ConversionEvent;
  occurred_at: Timestamp;
}

// better-auth's tables (migrations/0004_auth.sql); the app reads them only for demo users and tests.
export type Role = 'admin' | 'staff';
export interface AuthUserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: ColumnType<boolean, boolean | undefined, boolean>;
  image: string | null;
  role: ColumnType<Role, Role | undefined, Role>;
  banned: boolean | null;
  banReason: string | null;
  banExpires: TimestampNullable;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}
export interface AuthAccountTable {
  id: string;
  accountId: string;
  providerId: string;
  userId: string;
  password: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}
export interface AuthSessionTable {
  id: string;
  token: string;
  userId: string;
  expiresAt: ColumnType<Date, Date | string, Date | string>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** migrations db_admin_actions: the Database page's cancel/terminate audit trail. */
export interface DbAdminActionsTable {
  id: Id;
  at: Timestamp;
  actor_id: string;
  actor_email: string;
  action: 'cancel' | 'terminate';
  target_pid: number;
  target_user: string | null;
  target_application: string | null;
  target_state: string | null;
  target_query: string | null;
  target_query_start: Date | null;
  succeeded: boolean;
  detail: string | null;
}

/** migration stat_history: pg_stat_statements deltas every 5 minutes, sizes daily. */
export interface DbStatementSnapshotsTable {
  captured_at: Date;
  queryid: string;
  query: string;
  calls: number;
  total_ms: number;
  rows: number;
}
export interface DbStatementCountersTable {
  queryid: string;
  calls: number;
  total_ms: number;
  rows: number;
}
export interface DbHistoryStateTable {
  id: ColumnType<boolean, boolean | undefined, boolean>;
  stats_reset: Date | null;
  captured_at: Date | null;
}
export interface DbSizeSnapshotsTable {
  captured_on: ColumnType<string, string, string>;
  relation: string;
  kind: 'table' | 'index';
  table_name: string;
  bytes: number;
  estimated_rows: number | null;
}

/** migrations/…_security_limits.sql: one counted sign-in or code request per row. */
export interface SecurityLimitEventsTable {
  bucket: string;
  at: ColumnType<Date, Date | string | undefined, never>;
}

export interface Database {
  db_statement_snapshots: DbStatementSnapshotsTable;
  db_statement_counters: DbStatementCountersTable;
  db_history_state: DbHistoryStateTable;
  db_size_snapshots: DbSizeSnapshotsTable;
  db_admin_actions: DbAdminActionsTable;
  auth_user: AuthUserTable;
  auth_account: AuthAccountTable;
  auth_session: AuthSessionTable;
  customers: CustomersTable;
  shared_threads: SharedThreadsTable;
  shared_thread_messages: SharedThreadMessagesTable;
  appointments: AppointmentsTable;
  api_usage: ApiUsageTable;
  shared_thread_pending_links: SharedThreadPendingLinksTable;
  webhook_events: WebhookEventsTable;
  webhook_replay_jobs: WebhookReplayJobsTable;
  webhook_rejections: WebhookRejectionsTable;
  webhook_rejection_counts: WebhookRejectionCountsTable;
  attribution_data: AttributionDataTable;
  security_limit_events: SecurityLimitEventsTable;
}

export type Customer = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
export type SharedThread = Selectable<SharedThreadsTable>;
export type NewSharedThread = Insertable<SharedThreadsTable>;
export type SharedThreadMessage = Selectable<SharedThreadMessagesTable>;
export type NewSharedThreadMessage = Insertable<SharedThreadMessagesTable>;
export type Appointment = Selectable<AppointmentsTable>;
export type NewAppointment = Insertable<AppointmentsTable>;
export type AppointmentUpdate = Updateable<AppointmentsTable>;
export type ApiUsage = Selectable<ApiUsageTable>;
export type NewApiUsage = Insertable<ApiUsageTable>;
export type PendingLink = Selectable<SharedThreadPendingLinksTable>;
export type NewPendingLink = Insertable<SharedThreadPendingLinksTable>;
export type WebhookEvent = Selectable<WebhookEventsTable>;
export type NewWebhookEvent = Insertable<WebhookEventsTable>;
export type AttributionData = Selectable<AttributionDataTable>;
export type NewAttributionData = Insertable<AttributionDataTable>;

// Numeric is exported for query modules that aggregate money.
export type { Numeric };
