import { z } from 'zod';
import type { AppointmentStatus } from '@/db/schema';

/**
 * What this code assumes of HousecallPro's webhook payloads, in one place. UNCONFIRMED like the
 * signing scheme (signature.ts): check against real deliveries. Unknown fields are ignored, and the
 * record may sit at the top level or under `data`; a payload that misses what an event needs is
 * dead-lettered at once (retrying cannot fix it), so an operator can fix this file and replay it.
 *
 *   { "event": "customer.updated", "event_id"?, "created_at"?, "customer" | "data": { "customer" } }
 *   { "event": "job.scheduled",    "event_id"?, "created_at"?, "job" | "data": { "job" } }
 *   Customer: { id, first_name?, last_name?, company?, email?, mobile_number?, home_number?, updated_at? }
 *   Job:      { id, customer?: Customer, customer_id?, work_status?, description?, line_items?: [{ name }],
 *               total_amount? (cents), schedule?: { scheduled_start?, scheduled_end? },
 *               assigned_employees?: [{ first_name?, last_name? }], updated_at? }
 * Order: a record's updated_at, else the event's created_at (the record as it stood when sent).
 */
export const PROVIDER = 'housecallpro';

export const CUSTOMER_EVENTS = ['customer.created', 'customer.updated'] as const;
export const JOB_EVENTS = [
  'job.created',
  'job.scheduled',
  'job.updated',
  'job.on_my_way',
  'job.started',
  'job.completed',
  'job.paid',
  'job.canceled',
  'job.deleted',
] as const;
/** The event types the worker applies; any other type is stored and marked processed untouched. */
export const KNOWN_EVENT_TYPES: readonly string[] = [...CUSTOMER_EVENTS, ...JOB_EVENTS];

/** A payload the worker cannot apply however often it tries: dead-lettered on the first attempt. */
export class UnprocessableEventError extends Error {
  override name = 'UnprocessableEventError';
}

/** The provider's event id (when the payload carries one) and the event type ('unknown' if none). */
export function eventIdentity(payload: Record<string, unknown>): { eventId: string | null; eventType: string } {
  const rawType = payload.event;
  const eventType = typeof rawType === 'string' && /^[\w.:-]{1,100}$/.test(rawType.trim()) ? rawType.trim().toLowerCase() : 'unknown';
  // Only an explicit event id: a top-level `id` might name something else (the company, the job)
  // and would make distinct events look like duplicates. Without one the receiver keys on a hash of
  // the body: identical redeliveries still collapse, and a redelivery with a changed body is applied
  // twice harmlessly (every write is ordered by the record's updated_at).
  const rawId = payload.event_id;
  const eventId =
    (typeof rawId === 'string' && rawId.trim().length > 0 && rawId.length <= 200) ||
    (typeof rawId === 'number' && Number.isSafeInteger(rawId))
      ? String(rawId).trim()
      : null;
  return { eventId, eventType };
}

const hcpId = z.union([z.string().trim().min(1).max(100), z.number().int().nonnegative()]).transform(String);
// ISO 8601 with an offset; kept as text so PostgreSQL compares it with full microsecond precision.
const instant = z.iso.datetime({ offset: true });
const text = z.string().max(2000).nullish();

const customerSchema = z.looseObject({
  id: hcpId,
  first_name: text,
  last_name: text,
  company: text,
  email: text,
  mobile_number: text,
  home_number: text,
  updated_at: instant.nullish(),
});

const jobSchema = z.looseObject({
  id: hcpId,
  customer: customerSchema.nullish(),
  customer_id: hcpId.nullish(),
  work_status: text,
  description: text,
  line_items: z.array(z.looseObject({ name: text })).nullish(),
  total_amount: z.number().int().nonnegative().nullish(),
  schedule: z.looseObject({ scheduled_start: instant.nullish(), scheduled_end: instant.nullish() }).nullish(),
  assigned_employees: z.array(z.looseObject({ first_name: text, last_name: text })).nullish(),
  updated_at: instant.nullish(),
});

const envelopeSchema = z.looseObject({ created_at: instant.nullish(), data: z.looseObject({}).nullish() });

/** The record's container (top level or `data`) and the event's own time. */
function envelope(payload: unknown): { body: unknown; sentAt: string | null } {
  const parsed = envelopeSchema.safeParse(payload);
  if (!parsed.success) return { body: payload, sentAt: null };
  const { data, created_at } = parsed.data;
  const top = payload as Record<string, unknown>;
  return { body: data && !('job' in top) && !('customer' in top) ? data : payload, sentAt: created_at ?? null };
}

export interface CustomerFields {
  hcpId: string;
  name: string;
  phone: string | null;
  email: string | null;
  /** null when the payload has no time at all: then the record may be created but never overwrites. */
  sourceUpdatedAt: string | null;
}

export interface JobFields {
  hcpId: string;
  customer: CustomerFields | null;
  customerHcpId: string;
  start: string | null;
  durationMinutes: number;
  status: AppointmentStatus;
  serviceType: string;
  technician: string | null;
  amountCents: number | null;
  sourceUpdatedAt: string;
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseCustomerEvent(payload: unknown): CustomerFields {
  const { body, sentAt } = envelope(payload);
  const parsed = z.looseObject({ customer: customerSchema }).safeParse(body);
  if (!parsed.success) throw new UnprocessableEventError(`Customer payload not understood: ${issues(parsed.error)}`);
  const fields = customerFields(parsed.data.customer, sentAt);
  if (!fields.sourceUpdatedAt) {
    throw new UnprocessableEventError('Customer payload has neither customer.updated_at nor created_at: it cannot be ordered.');
  }
  return fields;
}

export function parseJobEvent(eventType: string, payload: unknown): JobFields {
  const { body, sentAt } = envelope(payload);
  const parsed = z.looseObject({ job: jobSchema }).safeParse(body);
  if (!parsed.success) throw new UnprocessableEventError(`Job payload not understood: ${issues(parsed.error)}`);
  const job = parsed.data.job;
  const sourceUpdatedAt = job.updated_at ?? sentAt;
  if (!sourceUpdatedAt) throw new UnprocessableEventError('Job payload has neither job.updated_at nor created_at: it cannot be ordered.');
  const customer = job.customer ? customerFields(job.customer, sentAt) : null;
  const customerHcpId = customer?.hcpId ?? job.customer_id;
  if (!customerHcpId) throw new UnprocessableEventError('Job payload names no customer (job.customer or job.customer_id).');
  const start = job.schedule?.scheduled_start ?? null;
  const end = job.schedule?.scheduled_end ?? null;
  const minutes = start && end ? Math.round((Date.parse(end) - Date.parse(start)) / 60_000) : 60;
  const employee = job.assigned_employees?.[0];
  const technician = employee ? [employee.first_name, employee.last_name].filter(Boolean).join(' ').trim() : '';
  return {
    hcpId: job.id,
    customer,
    customerHcpId,
    start,
    durationMinutes: Math.min(1440, Math.max(1, Number.isFinite(minutes) ? minutes : 60)),
    status: appointmentStatus(eventType, job.work_status),
    serviceType: (job.description?.trim() || job.line_items?.[0]?.name?.trim() || 'HousecallPro job').slice(0, 200),
    technician: technician ? technician.slice(0, 200) : null,
    amountCents: job.total_amount ?? null,
    sourceUpdatedAt,
  };
}

function customerFields(c: z.infer<typeof customerSchema>, sentAt: string | null): CustomerFields {
  const person = [c.first_name, c.last_name]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join(' ');
  const email = normaliseEmail(c.email);
  const name = person || c.company?.trim() || email || `HousecallPro customer ${c.id}`;
  return {
    hcpId: c.id,
    name: name.slice(0, 200),
    phone: normalisePhone(c.mobile_number) ?? normalisePhone(c.home_number),
    email,
    sourceUpdatedAt: c.updated_at ?? sentAt,
  };
}

// work_status values as HousecallPro shows them; the event type decides when work_status is absent.
const WORK_STATUS: Record<string, AppointmentStatus> = {
  'needs scheduling': 'scheduled',
  unscheduled: 'scheduled',
  scheduled: 'scheduled',
  'in progress': 'in_progress',
  'complete rated': 'completed',
  'complete unrated': 'completed',
  completed: 'completed',
  'user canceled': 'cancelled',
  'pro canceled': 'cancelled',
  canceled: 'cancelled',
};
const EVENT_STATUS: Record<string, AppointmentStatus> = {
  'job.on_my_way': 'confirmed',
  'job.started': 'in_progress',
  'job.completed': 'completed',
  'job.paid': 'completed',
  'job.canceled': 'cancelled',
  'job.deleted': 'cancelled',
};

function appointmentStatus(eventType: string, workStatus: string | null | undefined): AppointmentStatus {
  if (eventType === 'job.deleted') return 'cancelled';
  const fromWork = workStatus ? WORK_STATUS[workStatus.trim().toLowerCase().replace(/_/g, ' ')] : undefined;
  return fromWork ?? EVENT_STATUS[eventType] ?? 'scheduled';
}

/** E.164 as customers.phone demands; US 10-digit numbers get +1. Anything else: null (not stored). */
export function normalisePhone(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const digits = raw.replace(/[^\d]/g, '');
  const e164 = raw.trim().startsWith('+')
    ? `+${digits}`
    : digits.length === 10
      ? `+1${digits}`
      : digits.length === 11 && digits.startsWith('1')
        ? `+${digits}`
        : null;
  return e164 && /^\+[1-9][0-9]{6,14}$/.test(e164) ? e164 : null;
}

export function normaliseEmail(raw: string | null | undefined): string | null {
  const email = raw?.trim().toLowerCase();
  return email && email.length <= 320 && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? email : null;
}
