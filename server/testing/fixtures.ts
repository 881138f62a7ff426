import type { Db } from '@/db/client';

/**
 * A customer with one SMS thread of `messages` messages, a minute apart from 2026-02-01 15:00 UTC,
 * alternating customer and staff: the thread the HTTP path tests read pages of.
 */
export async function seedSmsThread(db: Db, messages: number): Promise<{ customerId: number; threadId: string }> {
  const customer = await db
    .insertInto('customers')
    .values({ name: 'Ana Lima', phone: '+15125550111' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const thread = await db.insertInto('shared_threads').values({ customer_id: customer.id }).returning('id').executeTakeFirstOrThrow();
  const start = Date.parse('2026-02-01T15:00:00Z');
  await db
    .insertInto('shared_thread_messages')
    .values(
      Array.from({ length: messages }, (_, i) => ({
        thread_id: thread.id,
        channel: 'sms' as const,
        direction: i % 2 ? ('outbound' as const) : ('inbound' as const),
        author_type: i % 2 ? ('staff' as const) : ('customer' as const),
        body: `Message ${i + 1}: can the technician come before noon on Thursday?`,
        created_at: new Date(start + i * 60_000),
      })),
    )
    .execute();
  return { customerId: customer.id, threadId: thread.id };
}
