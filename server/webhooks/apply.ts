import { sql, type Transaction } from 'kysely';
import type { Database } from '@/db/schema';
import {
  CUSTOMER_EVENTS,
  type CustomerFields,
  JOB_EVENTS,
  type JobFields,
  parseCustomerEvent,
  parseJobEvent,
  PROVIDER,
  UnprocessableEventError,
} from './events';

type Trx = Transaction<Database>;

/** What applying an event did, for logs and tests. */
export type ApplyOutcome =
  'customer-created' | 'customer-updated' | 'customer-stale' | 'appointment-upserted' | 'appointment-stale' | 'job-unscheduled' | 'ignored';

/** A customer a job refers to, not yet known: retrying later (after its customer event) may fix it. */
export class MissingCustomerError extends Error {
  override name = 'MissingCustomerError';
}

/**
 * Applies one HousecallPro event inside the worker's transaction. Idempotent and order-proof:
 * rows are keyed by HousecallPro ids (customers.housecallpro_id, appointments.housecallpro_job_id,
 * both UNIQUE) and a write happens only when the payload's updated_at is newer than the stored
 * source_updated_at, so a replay changes nothing and a late, older event never overwrites newer state.
 */
export async function applyHousecallProEvent(
  trx: Trx,
  event: { provider?: string; event_type: string; payload: unknown },
): Promise<ApplyOutcome> {
  // The queue is shared by providers; only HousecallPro's events have a handler so far. Others are
  // dead-lettered with this reason (visible on /webhooks, replayable once a handler exists).
  if (event.provider !== undefined && event.provider !== PROVIDER) {
    throw new UnprocessableEventError(`No handler for provider '${event.provider}'.`);
  }
  if ((CUSTOMER_EVENTS as readonly string[]).includes(event.event_type)) {
    const { outcome } = await upsertCustomer(trx, parseCustomerEvent(event.payload));
    return outcome;
  }
  if ((JOB_EVENTS as readonly string[]).includes(event.event_type)) {
    return applyJob(trx, parseJobEvent(event.event_type, event.payload));
  }
  return 'ignored';
}

const newer = (incoming: string | null) =>
  incoming === null ? sql<boolean>`false` : sql<boolean>`(source_updated_at is null or source_updated_at < ${incoming}::timestamptz)`;

/** Unique violations a concurrent writer can cause on a contact field (see upsertCustomer). */
function isContactClash(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && (e.constraint === 'customers_phone_key' || e.constraint === 'customers_email_key');
}

/**
 * Creates, links or updates the customer with this HousecallPro id. freeContact() leaves out a
 * phone or email another customer holds, but two transactions can both see one free and both write
 * it (two household members created by two workers at once): the loser's statement fails on the
 * UNIQUE constraint after the winner commits. Each round runs under a savepoint, so the loser rolls
 * back just that round and looks again, now seeing the winner's row.
 */
async function upsertCustomer(
  trx: Trx,
  c: CustomerFields,
): Promise<{ id: number; outcome: 'customer-created' | 'customer-updated' | 'customer-stale' }> {
  for (let round = 0; round < 4; round++) {
    await sql`savepoint hcp_customer`.execute(trx);
    try {
      const result = await upsertCustomerOnce(trx, c);
      await sql`release savepoint hcp_customer`.execute(trx);
      if (result) return result;
    } catch (err) {
      if (!isContactClash(err)) throw err;
      await sql`rollback to savepoint hcp_customer`.execute(trx);
    }
  }
  throw new Error(`Customer ${c.hcpId} changed concurrently four times in a row; will retry.`);
}

/** One attempt; undefined when a concurrent writer got in the way and the caller should look again. */
async function upsertCustomerOnce(
  trx: Trx,
  c: CustomerFields,
): Promise<{ id: number; outcome: 'customer-created' | 'customer-updated' | 'customer-stale' } | undefined> {
  const existing = await trx.selectFrom('customers').select('id').where('housecallpro_id', '=', c.hcpId).forUpdate().executeTakeFirst();
  if (existing) {
    const contact = await freeContact(trx, c, existing.id);
    const updated = await trx
      .updateTable('customers')
      .set({ name: c.name, ...contact, source_updated_at: c.sourceUpdatedAt, updated_at: sql`now()` })
      .where('id', '=', existing.id)
      .where(newer(c.sourceUpdatedAt))
      .executeTakeFirst();
    return { id: existing.id, outcome: updated.numUpdatedRows > 0n ? 'customer-updated' : 'customer-stale' };
  }

  // A customer already known locally (from a conversation, say) by the same email or phone, not
  // yet linked to HousecallPro: link it rather than create a second person.
  const local =
    c.email || c.phone
      ? await trx
          .selectFrom('customers')
          .select('id')
          .where('housecallpro_id', 'is', null)
          .where((eb) => eb.or([...(c.email ? [eb('email', '=', c.email)] : []), ...(c.phone ? [eb('phone', '=', c.phone)] : [])]))
          .orderBy('id')
          .limit(1)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
  if (local) {
    const contact = await freeContact(trx, c, local.id);
    const linked = await trx
      .updateTable('customers')
      .set({ housecallpro_id: c.hcpId, name: c.name, ...contact, source_updated_at: c.sourceUpdatedAt, updated_at: sql`now()` })
      .where('id', '=', local.id)
      .where('housecallpro_id', 'is', null)
      .executeTakeFirst();
    if (linked.numUpdatedRows > 0n) return { id: local.id, outcome: 'customer-updated' };
    return undefined;
  }

  const contact = await freeContact(trx, c, null);
  const inserted = await trx
    .insertInto('customers')
    .values({ name: c.name, ...contact, housecallpro_id: c.hcpId, source_updated_at: c.sourceUpdatedAt })
    // Another worker inserting the same customer at the same moment: take its row next round.
    .onConflict((oc) => oc.column('housecallpro_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, outcome: 'customer-created' };
  return undefined;
}

/**
 * The phone and email to write: each one only if no OTHER customer holds it (both are UNIQUE).
 * A clash leaves that field out of the write rather than failing the event forever.
 */
async function freeContact(trx: Trx, c: CustomerFields, self: number | null): Promise<{ phone?: string; email?: string }> {
  if (!c.phone && !c.email) return {};
  const holders = await trx
    .selectFrom('customers')
    .select(['phone', 'email'])
    .where((eb) => eb.or([...(c.phone ? [eb('phone', '=', c.phone)] : []), ...(c.email ? [eb('email', '=', c.email)] : [])]))
    .$if(self !== null, (qb) => qb.where('id', '<>', self!))
    .execute();
  const out: { phone?: string; email?: string } = {};
  if (c.phone && !holders.some((h) => h.phone === c.phone)) out.phone = c.phone;
  if (c.email && !holders.some((h) => h.email === c.email)) out.email = c.email;
  return out;
}

async function applyJob(trx: Trx, job: JobFields): Promise<ApplyOutcome> {
  let customerId: number;
  if (job.customer) {
    customerId = (await upsertCustomer(trx, job.customer)).id;
  } else {
    const known = await trx.selectFrom('customers').select('id').where('housecallpro_id', '=', job.customerHcpId).executeTakeFirst();
    if (!known) throw new MissingCustomerError(`Customer ${job.customerHcpId} of job ${job.hcpId} is not known yet.`);
    customerId = known.id;
  }

  const fields = {
    customer_id: customerId,
    duration_minutes: job.durationMinutes,
    status: job.status,
    service_type: job.serviceType,
    technician: job.technician,
    amount_cents: job.amountCents,
    source_updated_at: job.sourceUpdatedAt,
  };

  if (!job.start) {
    // An unscheduled job is not a booking yet: update one that exists (it was unscheduled, say),
    // keeping its date; create nothing. Its job.scheduled event will create it.
    const updated = await trx
      .updateTable('appointments')
      .set({ ...fields, updated_at: sql`now()` })
      .where('housecallpro_job_id', '=', job.hcpId)
      .where(newer(job.sourceUpdatedAt))
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n ? 'appointment-upserted' : 'job-unscheduled';
  }

  // One statement: ON CONFLICT takes the row lock, so concurrent workers on one job serialise here,
  // and the WHERE keeps the newest state whichever order they commit in.
  const row = await trx
    .insertInto('appointments')
    .values({ ...fields, housecallpro_job_id: job.hcpId, date: job.start })
    .onConflict((oc) =>
      oc
        .column('housecallpro_job_id')
        .doUpdateSet((eb) => ({
          customer_id: eb.ref('excluded.customer_id'),
          date: eb.ref('excluded.date'),
          duration_minutes: eb.ref('excluded.duration_minutes'),
          status: eb.ref('excluded.status'),
          service_type: eb.ref('excluded.service_type'),
          technician: eb.ref('excluded.technician'),
          amount_cents: eb.ref('excluded.amount_cents'),
          source_updated_at: eb.ref('excluded.source_updated_at'),
          updated_at: sql`now()`,
        }))
        .where(sql<boolean>`appointments.source_updated_at is null or appointments.source_updated_at < excluded.source_updated_at`),
    )
    .returning('id')
    .executeTakeFirst();
  return row ? 'appointment-upserted' : 'appointment-stale';
}
