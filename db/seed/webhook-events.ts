import { ranges, type SeedContext } from './context';
import { lit, num, timeOrderedBase } from './sql-kit';
import { CITIES, STREETS, WEBHOOK_ERRORS } from './vocabulary';

const HCP_EVENTS: ReadonlyArray<readonly [string, number]> = [
  ['job.created', 18],
  ['job.scheduled', 14],
  ['job.updated', 22],
  ['job.started', 8],
  ['job.completed', 10],
  ['job.canceled', 3],
  ['customer.created', 8],
  ['customer.updated', 7],
  ['estimate.created', 4],
  ['invoice.created', 3],
  ['invoice.paid', 3],
];
/** Events about work done: they reference an appointment dated before them, the others one after. */
const AFTER_THE_FACT = `('job.started', 'job.completed', 'invoice.created', 'invoice.paid')`;
/** The job as it stood when the event was sent. */
const WORK_STATUS = `CASE event_type WHEN 'job.created' THEN 'needs scheduling' WHEN 'job.scheduled' THEN 'scheduled'
  WHEN 'job.started' THEN 'in progress' WHEN 'job.completed' THEN 'complete unrated' WHEN 'job.canceled' THEN 'user canceled'
  ELSE CASE WHEN received_at < ap.date THEN 'scheduled' WHEN ap.status = 'completed' THEN 'complete unrated'
            WHEN ap.status = 'cancelled' THEN 'user canceled' WHEN ap.status = 'no_show' THEN 'pro canceled' ELSE 'in progress' END END`;
const BUSINESS_PHONE = '+14695550142';
const TWILIO_ACCOUNT = 'AC5e0c6b3f2d9a4c8e7f1b2a3d4c5e6f70';

/**
 * Inbound webhooks, oldest first: HousecallPro job and customer events whose payloads describe a
 * real seeded appointment and its customer, and Twilio status callbacks. Status follows age: the
 * last minutes are still pending or processing, the last days hold the retries (failed), older
 * events are processed or dead, so the partial queue index stays small as it does in production.
 */
export async function seedWebhookEvents(ctx: SeedContext): Promise<number> {
  const { rng, clock, counts } = ctx;
  const N = counts.webhook_events;
  const anchor = clock.anchorSql;
  const u = (stream: number) => rng.u('n', stream);
  // jsonb renders a timestamptz as ISO 8601 itself (to_char would cost a third of the payload).
  const iso = (ts: string) => `(${ts})`;
  const customer = `jsonb_build_object('id', coalesce(cu.housecallpro_id, 'cus_' || left(${rng.md5('hcp-cus', 'cu.id')}, 32)), 'first_name', split_part(cu.name, ' ', 1),
      'last_name', substr(cu.name, length(split_part(cu.name, ' ', 1)) + 2), 'email', cu.email, 'mobile_number', cu.phone,
      'notifications_enabled', ${u(711)} < 0.9, 'tags', CASE WHEN ${u(712)} < 0.2 THEN '["maintenance plan"]'::jsonb ELSE '[]'::jsonb END)`;
  const job = `jsonb_build_object('id', coalesce(ap.housecallpro_job_id, 'job_' || left(${rng.md5('hcp-job', 'ap.id')}, 32)), 'invoice_number', (10000 + ap.id)::text, 'work_status', ${WORK_STATUS},
      'total_amount', coalesce(ap.amount_cents, 0), 'customer', ${customer},
      'address', jsonb_build_object('street', (100 + floor(${u(713)} * 9800))::int || ' ' || ${rng.pick(STREETS, 'n', 714)},
                                     'city', ${rng.pick(CITIES, 'n', 715)}, 'state', 'TX', 'zip', '75' || lpad(floor(${u(716)} * 1000)::int::text, 3, '0')),
      'schedule', jsonb_build_object('scheduled_start', ${iso('ap.date')}, 'scheduled_end', ${iso(`ap.date + ap.duration_minutes * interval '1 minute'`)},
                                     'arrival_window', 120),
      'assigned_employees', CASE WHEN ap.technician IS NULL THEN '[]'::jsonb
           ELSE jsonb_build_array(jsonb_build_object('first_name', split_part(ap.technician, ' ', 1), 'last_name', split_part(ap.technician, ' ', 2), 'role', 'field tech')) END,
      'line_items', jsonb_build_array(jsonb_build_object('name', ap.service_type, 'quantity', 1, 'unit_price', coalesce(ap.amount_cents, 0))),
      'notes', ap.notes)`;
  const hcpPayload = `jsonb_build_object('id', event_id, 'event', event_type, 'created_at', ${iso('received_at')},
      'company_id', ${lit(`cmp_${rng.seed.toString(16).padStart(8, '0')}`)},
      'data', CASE WHEN event_type LIKE 'customer.%' THEN jsonb_build_object('customer', ${customer})
                   ELSE jsonb_build_object('job', ${job}) END)`;
  const twilioPayload = `CASE WHEN event_type = 'message.status'
      THEN jsonb_build_object('AccountSid', '${TWILIO_ACCOUNT}', 'MessageSid', event_id, 'ApiVersion', '2010-04-01',
             'MessageStatus', CASE WHEN ${u(717)} < 0.95 THEN 'delivered' WHEN ${u(717)} < 0.98 THEN 'undelivered' ELSE 'failed' END,
             'To', cu.phone, 'From', '${BUSINESS_PHONE}', 'NumSegments', (1 + floor(${u(718)} * 3))::int::text)
      ELSE jsonb_build_object('AccountSid', '${TWILIO_ACCOUNT}', 'CallSid', event_id, 'ApiVersion', '2010-04-01',
             'CallStatus', 'completed', 'CallDuration', (20 + floor(power(${u(718)}, 2) * 900))::int::text,
             'From', cu.phone, 'To', '${BUSINESS_PHONE}', 'Direction', 'inbound') END`;
  const span = clock.posEnd - clock.posStart;
  let total = 0;
  for (const [from, to] of ranges(N, ctx.chunkRows)) {
    total += await ctx.run(
      `
      INSERT INTO webhook_events (id, provider, provider_event_id, event_type, payload, status, attempts, next_attempt_at,
                                  last_error, received_at, processed_at)
      SELECT n, provider, event_id, event_type,
             CASE WHEN provider = 'housecallpro' THEN ${hcpPayload} ELSE ${twilioPayload} END,
             z.status, attempts,
             CASE z.status WHEN 'failed' THEN greatest(received_at + power(2, attempts) * interval '5 minutes',
                                                        ${anchor} - interval '5 minutes' + ${u(719)} * interval '30 minutes')
                           WHEN 'dead' THEN received_at + interval '2 hours' ELSE received_at END,
             CASE WHEN z.status IN ('failed', 'dead') THEN ${rng.pick(WEBHOOK_ERRORS, 'n', 720)} END,
             received_at,
             CASE WHEN z.status = 'processed' THEN received_at + (0.2 + 5.8 * ${u(721)} + (attempts - 1) * 600) * interval '1 second' END
      FROM (
        SELECT *,
               CASE status WHEN 'pending' THEN 0 WHEN 'processing' THEN 1 WHEN 'dead' THEN 8
                           WHEN 'failed' THEN 1 + floor(${u(722)} * 4)::int
                           ELSE 1 + CASE WHEN ${u(723)} < 0.05 THEN 1 + floor(${u(724)} * 2)::int ELSE 0 END END AS attempts
        FROM (
          SELECT *,
                 CASE WHEN received_at > ${anchor} - interval '10 minutes'
                        THEN CASE WHEN ${u(705)} < 0.75 THEN 'pending' WHEN ${u(705)} < 0.85 THEN 'processing' ELSE 'processed' END
                      WHEN received_at > ${anchor} - interval '3 days'
                        THEN CASE WHEN ${u(705)} < 0.93 THEN 'processed' WHEN ${u(705)} < 0.98 THEN 'failed' ELSE 'dead' END
                      ELSE CASE WHEN ${u(705)} < 0.986 THEN 'processed' ELSE 'dead' END END AS status
          FROM (
            SELECT e.*, ${clock.bizTime('e.pos')} AS received_at,
                   -- Appointment ids follow their dates over 425 days: take one dated around the event.
                   greatest(1, least(${counts.appointments}, floor(${counts.appointments} / 425.0 * (year_day +
                     CASE WHEN event_type IN ${AFTER_THE_FACT} THEN -2 * ${u(704)} ELSE 12 * ${u(704)} - 1 END))))::int8 AS appointment_id
            FROM (
              SELECT n, ${num(clock.posStart)} + ${num(span)} * power((n - 0.5::float8) / ${N}, 1 / 1.3) AS pos,
                     power((n - 0.5::float8) / ${N}, 1 / 1.3) * 365 AS year_day,
                     CASE WHEN ${u(701)} < 0.85 THEN 'housecallpro' ELSE 'twilio' END AS provider,
                     CASE WHEN ${u(701)} < 0.85 THEN ${rng.pickWeighted(HCP_EVENTS, 'n', 702)}
                          WHEN ${u(703)} < 0.7 THEN 'message.status' ELSE 'call.status' END AS event_type,
                     (CASE WHEN ${u(701)} < 0.85 THEN 'evt_' WHEN ${u(703)} < 0.7 THEN 'SM' ELSE 'CA' END)
                       || to_hex(${timeOrderedBase(rng.seed + 1)} + n) || left(${rng.md5('evt', 'n')}, 24) AS event_id
              FROM generate_series(${from}, ${to}) AS n
              OFFSET 0
            ) e
            OFFSET 0
          ) x
          OFFSET 0
        ) y
      ) z
      -- Primary-key lookups row by row (OFFSET 0 keeps them parameterized): cheaper than hashing a
      -- million appointments, and rows stay in received order without a sort.
      CROSS JOIN LATERAL (SELECT * FROM appointments WHERE id = z.appointment_id OFFSET 0) ap
      CROSS JOIN LATERAL (SELECT * FROM customers WHERE id = ap.customer_id OFFSET 0) cu`,
      'webhook_events',
    );
    ctx.progress('webhook_events', total);
  }
  return total;
}
