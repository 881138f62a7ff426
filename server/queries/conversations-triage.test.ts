import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { runMigrations } from '@/db/migrator';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { threadHistory, threadHistoryAround } from './conversations';
import { decodeMessageCursor } from './conversations-cursors';
import { countThreadsQuery, listThreads, listThreadsQuery, type ListThreadsParams } from './conversations-list';
import { MARK_END, MARK_START } from '@/lib/contract/conversations';
import { CANDIDATES, messageSearch, messageSearchQuery, searchWindow } from './conversations-search';

let scratch: ScratchDatabase;
let db: Db;
const TZ = 'America/Chicago';

beforeAll(async () => {
  scratch = await createScratchDatabase('conv_triage');
  db = scratch.db;
  await runMigrations(db);
  await seedDatabase(db, { scale: '100k', seed: 1 });
  await sql`VACUUM ANALYZE`.execute(db);
});
afterAll(() => scratch?.drop());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
/**
 * The plan nodes that ran (EXPLAIN ANALYZE): message search plans parts it reads only when the
 * earlier ones found too few (One-Time Filters), and at this size the planner would seq-scan for
 * a common word in a part that never runs for it (at 1M it takes the full-text index there too).
 */
async function planOf(query: {
  explain(format: 'json', options: ReturnType<typeof sql>): Promise<Record<string, unknown>[]>;
}): Promise<PlanNode[]> {
  const rows = await query.explain('json', sql`analyze`);
  const nodes: PlanNode[] = [];
  const walk = (n: PlanNode & { 'Actual Loops'?: number }) => {
    if (n['Actual Loops'] === 0) return;
    nodes.push(n);
    n.Plans?.forEach(walk);
  };
  walk((rows[0]!['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan);
  return nodes;
}
const indexesUsed = (nodes: PlanNode[]) => nodes.map((n) => n['Index Name']).filter(Boolean);
const seqScans = (nodes: PlanNode[]) => nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);

// Independent of the generated column: the document as the issue defines it, computed here.
const DOC = sql`to_tsvector('english', m.body || ' ' || coalesce(m.voice_transcript, ''))`;

/** The hits the search should return, computed without the column, the index or the query function. */
async function expectedHits(q: string, limit = 20) {
  const { rows } = await sql<{ id: number }>`
    SELECT id FROM (
      SELECT m.id, m.created_at, ts_rank(${DOC}, websearch_to_tsquery('english', ${q})) AS rank
        FROM shared_thread_messages m
       WHERE ${DOC} @@ websearch_to_tsquery('english', ${q})
       ORDER BY m.created_at DESC, m.id DESC LIMIT ${CANDIDATES}) c
    ORDER BY rank DESC, created_at DESC, id DESC LIMIT ${limit}`.execute(db);
  return rows.map((r) => Number(r.id));
}
async function matchCount(q: string) {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM shared_thread_messages m WHERE ${DOC} @@ websearch_to_tsquery('english', ${q})`.execute(db);
  return Number(rows[0]!.n);
}

describe('messageSearch', () => {
  it('finds "furnace" in bodies, ranked among the newest matches, as an independent SQL count says', async () => {
    const total = await matchCount('furnace');
    expect(total).toBeGreaterThan(20);
    const r = await messageSearch(db, { q: 'furnace', limit: 20 });
    expect(r.hits.map((h) => h.messageId)).toEqual(await expectedHits('furnace'));
    expect(r.capped).toBe(total >= CANDIDATES);
    for (const h of r.hits) expect(h.snippet.toLowerCase()).toContain(`${MARK_START}furnace${MARK_END}`);
  });

  it('stems: "furnaces" finds what "furnace" finds', async () => {
    const a = await messageSearch(db, { q: 'furnaces', limit: 20 });
    const b = await messageSearch(db, { q: 'furnace', limit: 20 });
    expect(a.hits.length).toBeGreaterThan(0);
    expect(a.hits.map((h) => h.messageId)).toEqual(b.hits.map((h) => h.messageId));
  });

  it('searches voice transcripts too', async () => {
    // A word said in calls and written in no message body.
    const { rows } = await sql<{ w: string }>`
      SELECT w FROM (
        SELECT word AS w FROM ts_stat($$SELECT to_tsvector('english', voice_transcript) FROM shared_thread_messages
                                       WHERE voice_transcript IS NOT NULL$$) WHERE word ~ '^[a-z]{6,}$'
        EXCEPT
        SELECT word FROM ts_stat($$SELECT to_tsvector('english', body) FROM shared_thread_messages$$)) x
      ORDER BY w LIMIT 1`.execute(db);
    expect(rows).toHaveLength(1);
    const r = await messageSearch(db, { q: rows[0]!.w, limit: 20 });
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.hits.every((h) => h.channel === 'voice')).toBe(true);
    expect(r.hits.map((h) => h.messageId)).toEqual(await expectedHits(rows[0]!.w));
  });

  it('a quoted phrase matches the words in order; -word excludes; or widens', async () => {
    for (const q of ['"new furnace"', 'furnace -new', 'furnace or heater', 'water heater']) {
      const r = await messageSearch(db, { q, limit: 20 });
      expect(
        r.hits.map((h) => h.messageId),
        q,
      ).toEqual(await expectedHits(q));
    }
    const phrase = await messageSearch(db, { q: '"new furnace"', limit: 20 });
    expect(phrase.hits.length).toBeGreaterThan(0);
    const { rows } = await sql<{ body: string }>`
      SELECT body || ' ' || coalesce(voice_transcript, '') AS body FROM shared_thread_messages
       WHERE id IN (${sql.join(phrase.hits.map((h) => h.messageId))})`.execute(db);
    for (const r of rows) expect(r.body.toLowerCase()).toMatch(/new furnace/);
    const excluded = await messageSearch(db, { q: 'furnace -new', limit: 20 });
    expect(excluded.hits.length).toBeGreaterThan(0);
    for (const h of excluded.hits) expect(h.snippet.toLowerCase()).not.toMatch(/\bnew\b/);
  });

  it('hostile input is a search term: quotes, backslashes, operators, SQL', async () => {
    for (const q of ['"', '\\', '&|!:*', "'; DROP TABLE customers; --", 'a & | ! : * ( ) <->', '"""furnace', '\\\\"x', '-', 'or']) {
      const r = await messageSearch(db, { q, limit: 20 });
      expect(Array.isArray(r.hits), q).toBe(true);
    }
    // Stop words only: nothing to match, not an error.
    expect((await messageSearch(db, { q: 'the and of', limit: 20 })).hits).toEqual([]);
  });

  it('plans: no Seq Scan of the messages, a common word stops early, a rare one takes the GIN index', async () => {
    const common = await planOf(messageSearchQuery(db, { q: 'call', limit: 20 }, await searchWindow(db, { q: 'call', limit: 20 })));
    expect(seqScans(common)).toEqual([]);
    expect(indexesUsed(common)).toContain('shared_thread_messages_created_idx');
    const rare = await planOf(messageSearchQuery(db, { q: 'zyzzyva', limit: 20 }, await searchWindow(db, { q: 'zyzzyva', limit: 20 })));
    expect(seqScans(rare)).toEqual([]);
    expect(indexesUsed(rare)).toContain('shared_thread_messages_search_channel_idx');
  });
});

/** The threads a filter should list, computed directly in SQL (summary direction from the messages). */
async function expectedThreadIds(where: ReturnType<typeof sql>, order: 'desc' | 'asc' = 'desc') {
  const { rows } = await sql<{ id: string }>`
    SELECT t.id FROM shared_threads t
      LEFT JOIN LATERAL (SELECT m.direction FROM shared_thread_messages m WHERE m.thread_id = t.id
                          ORDER BY m.created_at DESC, m.id DESC LIMIT 1) d ON true
     WHERE t.last_message_at IS NOT NULL AND ${where}
     ORDER BY t.last_message_at ${sql.raw(order)}, t.id ${sql.raw(order)}`.execute(db);
  return rows.map((r) => r.id);
}
async function walk(p: Omit<ListThreadsParams, 'limit' | 'cursor'>, limit = 30) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let total: number | null = null;
  do {
    const { decodeThreadCursor } = await import('./conversations-cursors');
    const page = await listThreads(db, { ...p, timeZone: TZ, limit, cursor: cursor ? decodeThreadCursor(cursor) : null });
    if (!cursor) total = page.total;
    ids.push(...page.threads.map((t) => t.id));
    cursor = page.nextCursor;
  } while (cursor);
  return { ids, total };
}

describe('triage filters', () => {
  it("customer: only that customer's threads, with the count", async () => {
    const { rows } = await sql<{ id: number }>`
      SELECT customer_id AS id FROM shared_threads WHERE customer_id IS NOT NULL
       GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`.execute(db);
    const customerId = Number(rows[0]!.id);
    const r = await walk({ customerId }, 2);
    const expected = await expectedThreadIds(sql`t.customer_id = ${customerId}`);
    expect(expected.length).toBeGreaterThan(1);
    expect(r.ids).toEqual(expected);
    expect(r.total).toBe(expected.length);
  });

  it('waiting on us: open threads whose newest message is inbound, oldest wait first', async () => {
    const r = await walk({ waiting: true }, 30);
    const expected = await expectedThreadIds(sql`t.status = 'open' AND d.direction = 'inbound'`, 'asc');
    expect(expected.length).toBeGreaterThan(0);
    expect(r.ids).toEqual(expected);
    expect(r.total).toBe(expected.length);
  });

  it('the triggers keep the last direction: a reply stops the wait, a new customer message starts it', async () => {
    const first = (await listThreads(db, { waiting: true, timeZone: TZ, limit: 1 })).threads[0]!;
    const reply = { thread_id: first.id, channel: 'sms' as const, author_type: 'staff' as const, body: 'On our way.' };
    await db
      .insertInto('shared_thread_messages')
      .values({ ...reply, direction: 'outbound' })
      .execute();
    expect((await walk({ waiting: true })).ids).not.toContain(first.id);
    await db
      .insertInto('shared_thread_messages')
      .values({ ...reply, direction: 'inbound', author_type: 'customer', body: 'Thanks, see you soon' })
      .execute();
    const after = await walk({ waiting: true });
    expect(after.ids.at(-1)).toBe(first.id); // the newest wait is last
    expect(after.ids).toEqual(await expectedThreadIds(sql`t.status = 'open' AND d.direction = 'inbound'`, 'asc'));
  });

  it('status, date range and has-a-voice-call match an independent query', async () => {
    expect((await walk({ status: 'open' })).ids).toEqual(await expectedThreadIds(sql`t.status = 'open'`));
    expect((await walk({ channel: 'voice' }, 100)).ids).toEqual(await expectedThreadIds(sql`'voice' = ANY(t.channels)`));
    const from = '2026-10-01';
    const to = '2026-10-31';
    expect((await walk({ from, to }, 100)).ids).toEqual(
      await expectedThreadIds(sql`(t.last_message_at AT TIME ZONE ${TZ})::date BETWEEN ${from}::date AND ${to}::date`),
    );
  });

  it('plans: each filter is index-backed, no Seq Scan of shared_threads', async () => {
    const { rows } = await sql<{ id: number }>`SELECT customer_id AS id FROM shared_threads WHERE customer_id IS NOT NULL LIMIT 1`.execute(
      db,
    );
    const cases: Array<[Omit<ListThreadsParams, 'limit'>, string]> = [
      [{ customerId: Number(rows[0]!.id) }, 'shared_threads_customer_id_idx'],
      [{ waiting: true }, 'shared_threads_waiting_idx'],
      [{ status: 'open' }, 'shared_threads_last_message_idx'],
      [{ channel: 'voice' }, 'shared_threads_last_message_idx'],
      [{ from: '2026-10-01', to: '2026-10-31' }, 'shared_threads_last_message_idx'],
    ];
    for (const [p, index] of cases) {
      const nodes = await planOf(listThreadsQuery(db, { ...p, timeZone: TZ, limit: 30 }));
      expect(seqScans(nodes), JSON.stringify(p)).toEqual([]);
      expect(indexesUsed(nodes), JSON.stringify(p)).toContain(index);
    }
    for (const p of [{ customerId: Number(rows[0]!.id) }, { waiting: true }]) {
      const nodes = await planOf(countThreadsQuery(db, { ...p, timeZone: TZ, limit: 30 }));
      expect(seqScans(nodes), JSON.stringify(p)).toEqual([]);
    }
  });
});

describe('threadHistoryAround', () => {
  it('opens a thread at a search hit, and pages both ways from it without gaps', async () => {
    const hit = (await messageSearch(db, { q: 'furnace', limit: 1 })).hits[0]!;
    const page = (await threadHistoryAround(db, { threadId: hit.threadId, limit: 10, at: { messageId: hit.messageId } }))!;
    expect(page.messages.map((m) => m.id)).toContain(hit.messageId);
    const ids = page.messages.map((m) => m.id);
    let prev = page.prevCursor;
    while (prev) {
      const newer = await threadHistory(db, { threadId: hit.threadId, limit: 10, cursor: decodeMessageCursor(prev), direction: 'newer' });
      ids.unshift(...newer.messages.map((m) => m.id));
      prev = newer.prevCursor;
    }
    let next = page.nextCursor;
    while (next) {
      const older = await threadHistory(db, { threadId: hit.threadId, limit: 50, cursor: decodeMessageCursor(next) });
      ids.push(...older.messages.map((m) => m.id));
      next = older.nextCursor;
    }
    const { rows } = await sql<{ id: number }>`
      SELECT id FROM shared_thread_messages WHERE thread_id = ${hit.threadId} ORDER BY created_at DESC, id DESC`.execute(db);
    expect(ids).toEqual(rows.map((r) => Number(r.id)));
  });

  it("is null for a message of another thread; a day opens at that day's first message", async () => {
    const { rows } = await sql<{ thread_id: string; id: number; day: string }>`
      SELECT thread_id, id, to_char(created_at AT TIME ZONE ${TZ}, 'YYYY-MM-DD') AS day FROM shared_thread_messages
       WHERE thread_id = (SELECT id FROM shared_threads ORDER BY message_count DESC LIMIT 1)
       ORDER BY created_at, id OFFSET 500 LIMIT 1`.execute(db);
    const m = rows[0]!;
    const other = await db.selectFrom('shared_threads').select('id').where('id', '<>', m.thread_id).limit(1).executeTakeFirstOrThrow();
    expect(await threadHistoryAround(db, { threadId: other.id, limit: 10, at: { messageId: Number(m.id) } })).toBeNull();
    const page = (await threadHistoryAround(db, { threadId: m.thread_id, limit: 20, at: { day: m.day, timeZone: TZ } }))!;
    const { rows: first } = await sql<{ id: number }>`
      SELECT id FROM shared_thread_messages WHERE thread_id = ${m.thread_id}
         AND created_at >= (${m.day}::date)::timestamp AT TIME ZONE ${TZ} ORDER BY created_at, id LIMIT 1`.execute(db);
    const idx = page.messages.findIndex((x) => x.id === Number(first[0]!.id));
    expect(idx).toBeGreaterThan(-1);
    // Older messages (before the day) come after it in the newest-first page.
    for (const x of page.messages.slice(idx + 1)) expect(x.createdAt.getTime()).toBeLessThan(page.messages[idx]!.createdAt.getTime());
  });
});
