import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { runMigrations } from '@/db/migrator';
import { seedDatabase } from '@/db/seed/index';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { CANDIDATES, messageSearch, messageSearchQuery, type MessageSearchParams, searchWindow, WINDOW } from './conversations-search';

/**
 * Message search with the list's triage filters (issue 18): the hits honour status, waiting on us,
 * channel, date range and customer, as an independent query computes them, and every filter stays
 * index-backed (EXPLAIN) for a common word and a rare one.
 */
let scratch: ScratchDatabase;
let db: Db;
const TZ = 'America/Chicago';
let customerId: number;
let common: string;
let rare: string;
/** A common word no call holds, and one only calls hold: "furnace among calls only" and its mirror. */
let neverInCalls: string;
let onlyInCalls: string;

beforeAll(async () => {
  scratch = await createScratchDatabase('conv_search_filters');
  db = scratch.db;
  await runMigrations(db);
  await seedDatabase(db, { scale: '100k', seed: 1 });
  await sql`VACUUM ANALYZE`.execute(db);
  const { rows } = await sql<{ id: number }>`
    SELECT customer_id AS id FROM shared_threads WHERE customer_id IS NOT NULL
     GROUP BY 1 ORDER BY sum(message_count) DESC, 1 LIMIT 1`.execute(db);
  customerId = Number(rows[0]!.id);
  const words = async (order: 'ASC' | 'DESC') =>
    (
      await sql<{ word: string }>`
        SELECT word FROM ts_stat($$SELECT search_vector FROM shared_thread_messages$$)
         WHERE word ~ '^[a-z]{4,}$' AND ndoc >= 40 ORDER BY ndoc ${sql.raw(order)}, word LIMIT 1`.execute(db)
    ).rows[0]!.word;
  common = await words('DESC');
  rare = await words('ASC');
  const byChannel = async (voice: boolean) =>
    (
      await sql<{ word: string }>`
        SELECT a.word FROM ts_stat($$SELECT search_vector FROM shared_thread_messages$$) a
          LEFT JOIN ts_stat($$SELECT search_vector FROM shared_thread_messages WHERE channel ${sql.raw(voice ? "<> 'voice'" : "= 'voice'")}$$) b
            ON b.word = a.word
         WHERE a.word ~ '^[a-z]{4,}$' AND b.word IS NULL ORDER BY a.ndoc DESC, a.word LIMIT 1`.execute(db)
    ).rows[0]!.word;
  neverInCalls = await byChannel(false);
  onlyInCalls = await byChannel(true);
}, 300_000);
afterAll(() => scratch?.drop());

type Filters = Omit<MessageSearchParams, 'q' | 'limit' | 'timeZone'>;

/** The expected hits, without the generated column, its index or the query function. */
async function expectedHits(q: string, f: Filters, limit = 20) {
  const doc = sql`to_tsvector('english', m.body || ' ' || coalesce(m.voice_transcript, ''))`;
  const tsq = sql`websearch_to_tsquery('english', ${q})`;
  const conds = [sql`${doc} @@ ${tsq}`];
  if (f.status) conds.push(sql`t.status = ${f.status}`);
  if (f.waiting) conds.push(sql`t.status = 'open' AND d.direction = 'inbound'`);
  if (f.channel) conds.push(sql`m.channel = ${f.channel}`);
  if (f.customerId) conds.push(sql`t.customer_id = ${f.customerId}`);
  if (f.from) conds.push(sql`(m.created_at AT TIME ZONE ${TZ})::date >= ${f.from}::date`);
  if (f.to) conds.push(sql`(m.created_at AT TIME ZONE ${TZ})::date <= ${f.to}::date`);
  const { rows } = await sql<{ id: number }>`
    SELECT id FROM (
      SELECT m.id, m.created_at, ts_rank(${doc}, ${tsq}) AS rank
        FROM shared_thread_messages m
        JOIN shared_threads t ON t.id = m.thread_id
        LEFT JOIN LATERAL (SELECT x.direction FROM shared_thread_messages x WHERE x.thread_id = t.id
                            ORDER BY x.created_at DESC, x.id DESC LIMIT 1) d ON true
       WHERE ${sql.join(conds, sql` AND `)}
       ORDER BY m.created_at DESC, m.id DESC LIMIT ${CANDIDATES}) c
    ORDER BY rank DESC, created_at DESC, id DESC LIMIT ${limit}`.execute(db);
  return rows.map((r) => Number(r.id));
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
interface AnalyzedNode extends PlanNode {
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: AnalyzedNode[];
}
/**
 * The plan nodes that ran (EXPLAIN ANALYZE): message search plans parts it reads only when the
 * earlier ones found too few (One-Time Filters), and at 100k the planner would seq-scan for a
 * common word in a part that never runs for it (at 1M it takes the full-text index there too).
 */
async function planOf(p: MessageSearchParams): Promise<PlanNode[]> {
  const rows = await messageSearchQuery(db, p, await searchWindow(db, p)).explain('json', sql`analyze`);
  const nodes: PlanNode[] = [];
  const walk = (n: PlanNode & { 'Actual Loops'?: number }) => {
    if (n['Actual Loops'] === 0) return;
    nodes.push(n);
    n.Plans?.forEach(walk);
  };
  walk((rows[0]!['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan);
  return nodes;
}

const MESSAGE_INDEXES = [
  'shared_thread_messages_created_idx',
  'shared_thread_messages_search_channel_idx',
  'shared_thread_messages_thread_created_idx',
  'shared_thread_messages_thread_id_idx',
];

function filterCases(): Array<[string, Filters]> {
  return [
    ['open', { status: 'open' }],
    ['closed', { status: 'closed' }],
    ['waiting on us', { waiting: true }],
    ['calls only', { channel: 'voice' }],
    ['SMS only', { channel: 'sms' }],
    ['a 30-day range', { from: '2026-10-01', to: '2026-10-30' }],
    ['from a day on', { from: '2026-11-15' }],
    ['up to a day', { to: '2026-06-30' }],
    ["one customer's threads", { customerId }],
    ['closed SMS in a quarter', { status: 'closed', channel: 'sms', from: '2026-07-01', to: '2026-09-30' }],
    ['waiting calls', { waiting: true, channel: 'voice' }],
    ['open calls', { status: 'open', channel: 'voice' }],
    ['a week of web chats', { channel: 'web', from: '2026-08-03', to: '2026-08-09' }],
  ];
}

describe('message search with triage filters', () => {
  it('each filter keeps exactly the hits an independent query keeps, for a common and a rare word', async () => {
    let nonEmpty = 0;
    for (const q of [common, rare, 'furnace', neverInCalls, onlyInCalls]) {
      for (const [name, f] of filterCases()) {
        const r = await messageSearch(db, { q, limit: 20, timeZone: TZ, ...f });
        const expected = await expectedHits(q, f);
        expect(
          r.hits.map((h) => h.messageId),
          `${q}, ${name}`,
        ).toEqual(expected);
        if (expected.length > 0) nonEmpty++;
      }
    }
    // The filters are not vacuous: most cases have hits to compare.
    expect(nonEmpty).toBeGreaterThan(40);
  });

  it('a filter narrows: the hits differ from the unfiltered search and obey it', async () => {
    const all = await messageSearch(db, { q: common, limit: 20, timeZone: TZ });
    const calls = await messageSearch(db, { q: common, limit: 20, timeZone: TZ, channel: 'voice' });
    expect(calls.hits.length).toBeGreaterThan(0);
    expect(calls.hits.every((h) => h.channel === 'voice')).toBe(true);
    expect(calls.hits.map((h) => h.messageId)).not.toEqual(all.hits.map((h) => h.messageId));
    const mine = await messageSearch(db, { q: common, limit: 20, timeZone: TZ, customerId });
    expect(mine.hits.length).toBeGreaterThan(0);
    expect(mine.hits.every((h) => h.customerId === customerId)).toBe(true);
  });

  it('capped counts only the filtered candidates', async () => {
    const r = await messageSearch(db, { q: rare, limit: 1, timeZone: TZ, customerId });
    expect(r.capped).toBe(false);
    const wide = await messageSearch(db, { q: common, limit: 20, timeZone: TZ, status: 'open' });
    const { rows } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM shared_thread_messages m JOIN shared_threads t ON t.id = m.thread_id
       WHERE m.search_vector @@ websearch_to_tsquery('english', ${common}) AND t.status = 'open'`.execute(db);
    expect(wide.capped).toBe(Number(rows[0]!.n) >= CANDIDATES);
  });

  it('a common word a channel never holds reads at most the newest WINDOW messages, not all of them', async () => {
    // "furnace" among calls only: the newest-first walk used to read every message looking for a
    // match that does not exist. Rows read from shared_thread_messages by every scan of the plan.
    const rowsRead = async (p: MessageSearchParams) => {
      const c = messageSearchQuery(db, p, await searchWindow(db, p)).compile();
      const { rows } = await db.executeQuery<{ 'QUERY PLAN': Array<{ Plan: AnalyzedNode }> }>({
        ...c,
        sql: `EXPLAIN (ANALYZE, FORMAT JSON) ${c.sql}`,
      } as typeof c);
      let read = 0;
      const walk = (n: AnalyzedNode) => {
        if (n['Relation Name'] === 'shared_thread_messages' && n['Node Type'] !== 'Bitmap Index Scan')
          read += (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0)) * n['Actual Loops'];
        n.Plans?.forEach(walk);
      };
      walk(rows[0]!['QUERY PLAN'][0]!.Plan);
      return read;
    };
    const total = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM shared_thread_messages`.execute(db)).rows[0]!.n);
    expect(total).toBeGreaterThan(WINDOW * 5);
    for (const [q, channel] of [
      [neverInCalls, 'voice'],
      [onlyInCalls, 'sms'],
      [onlyInCalls, 'web'],
    ] as const) {
      const p: MessageSearchParams = { q, limit: 20, timeZone: TZ, channel };
      expect((await messageSearch(db, p)).hits, `${q} in ${channel}`).toEqual([]);
      expect(await rowsRead(p), `${q} in ${channel}`).toBeLessThanOrEqual(WINDOW);
      // With a thread filter the window is walked twice: for the filter, then for the word alone.
      const closed: MessageSearchParams = { ...p, status: 'closed' };
      expect((await messageSearch(db, closed)).hits, `${q} in closed ${channel}`).toEqual([]);
      expect(await rowsRead(closed), `${q} in closed ${channel}`).toBeLessThanOrEqual(2 * WINDOW);
    }
  });

  it('plans: every filter is index-backed, no Seq Scan of messages or threads, common word and rare', async () => {
    for (const q of [common, rare]) {
      for (const [name, f] of filterCases()) {
        const nodes = await planOf({ q, limit: 20, timeZone: TZ, ...f });
        const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
        expect(seq, `${q}, ${name}`).toEqual([]);
        const indexes = nodes.map((n) => n['Index Name']).filter(Boolean);
        // The messages come from the newest-first walk, the full-text index or a thread's own index.
        expect(
          indexes.some((i) => MESSAGE_INDEXES.includes(i!)),
          `${q}, ${name}: ${indexes.join(', ')}`,
        ).toBe(true);
      }
    }
    // The thread filters' own indexes where a rare word's matches are joined to the threads.
    const idx = async (f: Filters) => (await planOf({ q: rare, limit: 20, timeZone: TZ, ...f })).map((n) => n['Index Name']);
    expect(await idx({ waiting: true })).toEqual(expect.arrayContaining([expect.stringMatching(/shared_threads_(waiting_idx|pkey)/)]));
    expect(await idx({ customerId })).toContain('shared_threads_customer_id_idx');
    expect(await idx({ status: 'open' })).toEqual(expect.arrayContaining([expect.stringMatching(/shared_threads_(open_idx|pkey)/)]));
    // A common word reads the newest WINDOW messages first (created_idx, walked or ANDed), whatever the filter.
    for (const f of [{ status: 'open' as const }, { channel: 'voice' as const }, { from: '2026-10-01', to: '2026-10-30' }]) {
      expect(await planOf({ q: common, limit: 20, timeZone: TZ, ...f }).then((n) => n.map((x) => x['Index Name']))).toContain(
        'shared_thread_messages_created_idx',
      );
    }
  });
});

describe("thread history beside message search's newest-first index", () => {
  it("the history of the largest thread and of a typical one reads the thread's own index, not created_idx", async () => {
    const { threadHistoryQuery } = await import('./conversations');
    const { rows } = await sql<{ id: string; n: number }>`
      (SELECT id, message_count AS n FROM shared_threads ORDER BY message_count DESC LIMIT 1)
      UNION ALL
      (SELECT id, message_count FROM shared_threads WHERE message_count BETWEEN 10 AND 40 ORDER BY id LIMIT 1)`.execute(db);
    expect(rows).toHaveLength(2);
    for (const [k, t] of rows.entries()) {
      for (const direction of ['older', 'newer'] as const) {
        const plan = await threadHistoryQuery(db, { threadId: t.id, limit: 50, direction }).explain('json');
        const nodes: PlanNode[] = [];
        const walk = (n: PlanNode) => {
          nodes.push(n);
          n.Plans?.forEach(walk);
        };
        walk((plan[0]!['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan);
        const used = nodes.map((n) => n['Index Name']).filter(Boolean);
        // Never the cross-thread newest-first index. The largest thread: its own (thread, created_at)
        // index, in order. A small one: that, or the guide's thread_id index (a few rows, sorted).
        expect(used, `${t.n} messages, ${direction}`).not.toContain('shared_thread_messages_created_idx');
        if (k === 0) expect(used, `${t.n} messages, ${direction}`).toEqual(['shared_thread_messages_thread_created_idx']);
        else expect(used, `${t.n} messages, ${direction}`).toHaveLength(1);
      }
    }
  });
});
