import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { parsePlanDocument, type PlanNode, planNodes } from '@/db/plan';
import { runMigrations } from '@/db/migrator';
import type { Channel } from '@/db/schema';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { type HistoryPage, threadById, threadByIdQuery, threadHistory, threadHistoryQuery } from './conversations';
import { decodeMessageCursor, decodeThreadCursor } from './conversations-cursors';
import { listThreads, listThreadsQuery, planThreadSearch, type ThreadListPage } from './conversations-list';

let scratch: ScratchDatabase;
let db: Db;
let longThread: { id: string; message_count: number };

beforeAll(async () => {
  scratch = await createScratchDatabase('conv_queries');
  db = scratch.db;
  await runMigrations(db);
  await seedDatabase(db, { scale: '100k', seed: 1 });
  longThread = await db
    .selectFrom('shared_threads')
    .select(['id', 'message_count'])
    .orderBy('message_count', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
});
afterAll(() => scratch?.drop());

// ---- helpers -------------------------------------------------------------------------------

/** EXPLAIN (FORMAT JSON) of exactly the statement Kysely compiles, flattened to its nodes. */
async function planOf(query: { explain(format: 'json'): Promise<Record<string, unknown>[]> }): Promise<PlanNode[]> {
  const rows = await query.explain('json');
  return planNodes(parsePlanDocument(rows[0]!['QUERY PLAN']).Plan);
}
const indexesUsed = (nodes: PlanNode[]) => nodes.map((n) => n['Index Name']).filter(Boolean);
const seqScans = (nodes: PlanNode[]) => nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);

/** Every page of a thread's history, `between` running after each page is fetched. */
async function walkHistory(threadId: string, limit: number, between?: (page: HistoryPage, n: number) => Promise<void>) {
  const ids: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: HistoryPage = await threadHistory(db, { threadId, limit, cursor: cursor ? decodeMessageCursor(cursor) : null });
    expect(page.messages.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.messages).toHaveLength(limit);
    ids.push(...page.messages.map((m) => m.id));
    cursor = page.nextCursor;
    pages++;
    await between?.(page, pages);
  } while (cursor);
  return { ids, pages };
}

async function expectedHistoryIds(threadId: string): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT id FROM shared_thread_messages WHERE thread_id = ${threadId} ORDER BY created_at DESC, id DESC`.execute(db);
  return rows.map((r) => r.id);
}

let nextTestMessage = 0;
async function insertMessages(threadId: string, createdAt: string[]): Promise<number[]> {
  const rows = await db
    .insertInto('shared_thread_messages')
    .values(
      createdAt.map((at) => ({
        thread_id: threadId,
        channel: 'sms' as const,
        direction: 'inbound' as const,
        author_type: 'customer' as const,
        body: `test message ${++nextTestMessage}`,
        created_at: at,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

// ---- history -------------------------------------------------------------------------------

describe('threadHistory', () => {
  it('has a long thread to page through (the seed makes one of 5,000+ messages)', () => {
    expect(longThread.message_count).toBeGreaterThanOrEqual(5_000);
  });

  it('returns the newest page exactly as the database holds it', async () => {
    const page = await threadHistory(db, { threadId: longThread.id, limit: 50 });
    const { rows } = await sql<Record<string, unknown>>`
      SELECT id, channel, direction, author_type AS "authorType", author_name AS "authorName", body,
             voice_duration_seconds AS "voiceDurationSeconds", voice_transcript AS "voiceTranscript",
             voice_recording_url AS "voiceRecordingUrl", created_at AS "createdAt"
      FROM shared_thread_messages WHERE thread_id = ${longThread.id}
      ORDER BY created_at DESC, id DESC LIMIT 50`.execute(db);
    expect(page.messages).toEqual(rows);
    expect(page.nextCursor).not.toBeNull();
  });

  it('walks every page of a 5,000+ message thread: no skip, no repeat, in order', async () => {
    const expected = await expectedHistoryIds(longThread.id);
    const { ids, pages } = await walkHistory(longThread.id, 100);
    expect(pages).toBe(Math.ceil(expected.length / 100));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
  });

  it('pages through rows that share a created_at, or differ only below the millisecond', async () => {
    const thread = await db
      .selectFrom('shared_threads')
      .select(['id', 'last_message_at'])
      .where('message_count', '>=', 10)
      .where('message_count', '<', 100)
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    // 25 rows at one instant, and 10 a microsecond apart (one JS millisecond): a cursor built from
    // a Date would skip or repeat these.
    await insertMessages(thread.id, Array(25).fill('2025-06-01T12:00:00.123456Z'));
    await insertMessages(
      thread.id,
      Array.from({ length: 10 }, (_, i) => `2025-06-01T12:00:00.12345${i}Z`),
    );
    const expected = await expectedHistoryIds(thread.id);
    for (const limit of [1, 3, 7, 10]) {
      const { ids } = await walkHistory(thread.id, limit);
      expect(ids, `limit ${limit}`).toEqual(expected);
    }
  });

  it('neither skips nor repeats while new messages arrive between page fetches', async () => {
    const thread = await db
      .selectFrom('shared_threads')
      .select(['id'])
      .where('message_count', '>=', 200)
      .where('id', '!=', longThread.id)
      .orderBy('message_count', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const before = await expectedHistoryIds(thread.id);
    const late: number[] = [];
    const { ids } = await walkHistory(thread.id, 20, async (page, n) => {
      // New messages arrive (newer than everything on screen)...
      await insertMessages(thread.id, [new Date(Date.now() + n * 1000).toISOString()]);
      // ...and, every few pages, a late one stamped older than the page just read (a delayed SMS).
      const oldest = page.messages.at(-1);
      if (oldest && n % 3 === 0) {
        late.push(...(await insertMessages(thread.id, [new Date(oldest.createdAt.getTime() - 1).toISOString()])));
      }
    });
    expect(new Set(ids).size).toBe(ids.length);
    // Every message that existed when paging began, exactly once and in order; late arrivals below
    // the cursor show up in their place; nothing newer than the first page slips in.
    expect(ids.filter((id) => before.includes(id))).toEqual(before);
    expect(ids.filter((id) => !before.includes(id)).sort()).toEqual([...late].sort());
    const now = await expectedHistoryIds(thread.id);
    expect(ids).toEqual(now.filter((id) => before.includes(id) || late.includes(id)));
  });

  it('returns an empty page for a thread with no messages, or one that does not exist', async () => {
    expect(await threadHistory(db, { threadId: '00000000-0000-4000-8000-000000000000', limit: 50 })).toEqual({
      messages: [],
      nextCursor: null,
      prevCursor: null,
      newestCursor: null,
    });
  });

  it('is a backward Index Scan of shared_thread_messages_thread_created_idx, first page and later ones', async () => {
    const first = await threadHistory(db, { threadId: longThread.id, limit: 50 });
    for (const cursor of [null, decodeMessageCursor(first.nextCursor!)]) {
      const nodes = await planOf(threadHistoryQuery(db, { threadId: longThread.id, limit: 50, cursor }));
      const scan = nodes.find((n) => n['Index Name'] === 'shared_thread_messages_thread_created_idx');
      expect(scan, JSON.stringify(nodes)).toBeDefined();
      expect(scan!['Node Type']).toBe('Index Scan');
      expect(scan!['Scan Direction']).toBe('Backward');
      expect(seqScans(nodes)).toEqual([]);
      // No sort: the index gives the order, and LIMIT stops the scan.
      expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
    }
  });
});

// ---- thread header -------------------------------------------------------------------------

describe('threadById', () => {
  it('gives the header as the database holds it, and null for an unknown id', async () => {
    const linked = await db
      .selectFrom('shared_threads')
      .select('id')
      .where('customer_id', 'is not', null)
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const header = await threadById(db, linked.id);
    const { rows } = await sql<Record<string, unknown>>`
      SELECT t.id, t.customer_id AS "customerId", c.name AS "customerName", c.phone AS "customerPhone",
             c.email AS "customerEmail", t.contact_name AS "contactName", t.contact_phone AS "contactPhone",
             t.channels, t.status, t.message_count AS "messageCount", t.last_message_at AS "lastMessageAt",
             t.created_at AS "createdAt"
      FROM shared_threads t JOIN customers c ON c.id = t.customer_id WHERE t.id = ${linked.id}`.execute(db);
    expect(header).toEqual(rows[0]);
    expect(await threadById(db, '00000000-0000-4000-8000-000000000000')).toBeNull();
    const nodes = await planOf(threadByIdQuery(db, linked.id));
    expect(indexesUsed(nodes)).toEqual(expect.arrayContaining(['shared_threads_pkey', 'customers_pkey']));
    expect(seqScans(nodes)).toEqual([]);
  });
});

// ---- thread list ---------------------------------------------------------------------------

/** The list's rows for a WHERE clause, computed directly in SQL. */
async function expectedThreadRows(where: ReturnType<typeof sql>, matched: ReturnType<typeof sql> = sql`NULL`) {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT t.id, t.customer_id AS "customerId", c.name AS "customerName", c.email AS "customerEmail",
           t.contact_name AS "contactName", coalesce(c.phone, t.contact_phone) AS phone, t.channels, t.status,
           t.last_direction AS "lastDirection", t.last_message_preview AS "lastMessagePreview",
           t.last_message_at AS "lastMessageAt", t.message_count AS "messageCount", ${matched} AS matched
    FROM shared_threads t LEFT JOIN customers c ON c.id = t.customer_id
    WHERE t.last_message_at IS NOT NULL AND ${where}
    ORDER BY t.last_message_at DESC, t.id DESC`.execute(db);
  return rows;
}

async function walkList(params: { channel?: Channel; search?: string }, limit: number) {
  const rows: ThreadListPage['threads'] = [];
  let cursor: string | null = null;
  do {
    const page: ThreadListPage = await listThreads(db, { ...params, limit, cursor: cursor ? decodeThreadCursor(cursor) : null });
    rows.push(...page.threads);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

describe('listThreads', () => {
  it('lists every thread with a message, most recent activity first, across all pages', async () => {
    const expected = await expectedThreadRows(sql`true`);
    expect(expected.length).toBeGreaterThan(1_000);
    const first = await listThreads(db, { limit: 30 });
    expect(first.threads).toEqual(expected.slice(0, 30));
    const all = await walkList({}, 100);
    expect(all.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it.each(['web', 'sms', 'voice'] as const)('filters by channel %s', async (channel) => {
    const expected = await expectedThreadRows(sql`${channel} = ANY(t.channels)`);
    expect(expected.length).toBeGreaterThan(0);
    expect((await walkList({ channel }, 100)).map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('searches by a fragment of the customer name, in any case', async () => {
    // A surname fragment from a real linked customer.
    const c = await db
      .selectFrom('customers as c')
      .innerJoin('shared_threads as t', 't.customer_id', 'c.id')
      .select('c.name')
      .orderBy('c.id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const fragment = c.name.split(' ').at(-1)!.slice(0, 5).toUpperCase();
    const p = `%${fragment}%`;
    const expected = await expectedThreadRows(
      sql`(c.name ILIKE ${p} OR c.email ILIKE ${p})`,
      sql`CASE WHEN c.name ILIKE ${p} THEN 'name' ELSE 'email' END`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(await walkList({ search: fragment }, 25)).toEqual(expected);
  });

  it('searches 1-2 letters as the start of the name', async () => {
    const expected = await expectedThreadRows(sql`lower(c.name) LIKE 'jo%'`, sql`'name'`);
    expect(expected.length).toBeGreaterThan(0);
    expect((await walkList({ search: 'Jo' }, 100)).map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('searches phone digits typed with punctuation, in customers and anonymous callers alike', async () => {
    const anon = await db
      .selectFrom('shared_threads')
      .select('contact_phone')
      .where('customer_id', 'is', null)
      .where('contact_phone', 'is not', null)
      .where('last_message_at', 'is not', null)
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const digits = anon.contact_phone!.slice(-7); // "5550142"
    const typed = `${digits.slice(0, 3)}-${digits.slice(3)}`; // "555-0142"
    const expected = await expectedThreadRows(sql`(c.phone LIKE ${`%${digits}%`} OR t.contact_phone LIKE ${`%${digits}%`})`, sql`'phone'`);
    expect(expected.length).toBeGreaterThan(0);
    expect(await walkList({ search: typed }, 10)).toEqual(expected);
  });

  it('combines a search with a channel filter', async () => {
    const expected = await expectedThreadRows(
      sql`(c.name ILIKE '%son%' OR c.email ILIKE '%son%') AND 'sms' = ANY(t.channels)`,
      sql`CASE WHEN c.name ILIKE '%son%' THEN 'name' ELSE 'email' END`,
    );
    expect((await walkList({ search: 'son', channel: 'sms' }, 50)).map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('matches nothing for unsearchable input, and treats % and _ literally', async () => {
    expect((await listThreads(db, { limit: 30, search: '--' })).threads).toEqual([]);
    expect((await listThreads(db, { limit: 30, search: '12' })).threads).toEqual([]);
    expect((await listThreads(db, { limit: 30, search: '%%%' })).threads).toEqual([]);
    expect((await listThreads(db, { limit: 30, search: 'a_b%c' })).threads).toEqual([]);
    expect(planThreadSearch('  ')).toBeNull();
    expect(planThreadSearch('(512) 555-01')).toEqual({ kind: 'phone', pattern: '%51255501%' });
    expect(planThreadSearch('Jo')).toEqual({ kind: 'prefix', pattern: 'jo%' });
    expect(planThreadSearch('50%_off')).toEqual({ kind: 'name', pattern: '%50\\%\\_off%' });
  });

  it('stays keyset-consistent while threads get new messages between pages', async () => {
    const before = await expectedThreadRows(sql`true`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let n = 0;
    do {
      const page: ThreadListPage = await listThreads(db, { limit: 200, cursor: cursor ? decodeThreadCursor(cursor) : null });
      seen.push(...page.threads.map((t) => t.id));
      cursor = page.nextCursor;
      // A thread far down the list gets a message: it moves to the top, above every cursor.
      const mover = before[before.length - 1 - n++];
      if (mover)
        await db
          .updateTable('shared_threads')
          .set({ last_message_at: new Date() })
          .where('id', '=', mover.id as string)
          .execute();
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
  });

  describe('plans', () => {
    it('unfiltered and by channel: shared_threads_last_message_idx in order, no sort, no Seq Scan', async () => {
      const first = await listThreads(db, { limit: 30 });
      for (const params of [
        { limit: 30 },
        { limit: 30, cursor: decodeThreadCursor(first.nextCursor!) },
        { limit: 30, channel: 'voice' as const },
        { limit: 30, channel: 'sms' as const, cursor: decodeThreadCursor(first.nextCursor!) },
      ]) {
        const nodes = await planOf(listThreadsQuery(db, params));
        expect(indexesUsed(nodes), JSON.stringify(params)).toContain('shared_threads_last_message_idx');
        expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
        expect(seqScans(nodes)).toEqual([]);
      }
    });

    it('search: matching customers by trigram (or prefix) index, then their threads by shared_threads_customer_id_idx', async () => {
      const cases: Array<[string, string[]]> = [
        ['harris', ['customers_name_trgm_idx', 'shared_threads_customer_id_idx']],
        ['Jo', ['customers_name_prefix_idx']],
        ['(972) 933-2225', ['customers_phone_trgm_idx', 'shared_threads_contact_phone_trgm_idx']],
      ];
      for (const [search, indexes] of cases) {
        const nodes = await planOf(listThreadsQuery(db, { limit: 30, search }));
        expect(indexesUsed(nodes), search).toEqual(expect.arrayContaining(indexes));
        expect(seqScans(nodes), search).toEqual([]);
      }
    });
  });
});
