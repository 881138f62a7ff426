import { sql } from 'kysely';
import { DEFAULT_TIME_ZONE } from '@/db/seed';
import { listThreads, type ListThreadsParams } from '@/server/queries/conversations-list';
import { messageSearch, type MessageSearchParams } from '@/server/queries/conversations-search';
import { type BenchOperation, interleave, spread } from './measure';

/**
 * Issue 18's operations: message search (a common word and a rare one, 20 hits with snippets) and
 * each triage filter's first page, through the query functions the conversations router calls.
 * Their indexes are not the guide's (0002): "without" and "with" both have them.
 */

/** Words by how many messages hold them, drawn from a sample of the seeded messages. */
async function wordsByFrequency(db: Parameters<BenchOperation['inputs']>[0], rare: boolean, count: number) {
  const { rows } = await sql<{ word: string }>`
    SELECT word FROM ts_stat($$SELECT search_vector FROM shared_thread_messages TABLESAMPLE SYSTEM (2) REPEATABLE (18)$$)
     WHERE word ~ '^[a-z]{4,}$'
     ORDER BY ndoc ${sql.raw(rare ? 'ASC' : 'DESC')}, word LIMIT ${count}`.execute(db);
  return rows.map((r) => ({ q: r.word }));
}

/**
 * Common words a channel never holds in a sample of the messages ("hello" in calls, "voicemail" in
 * SMS): the worst case of a search filtered to that channel, which newest first finds no match
 * to stop at.
 */
async function wordsAbsentFrom(db: Parameters<BenchOperation['inputs']>[0], channel: 'voice' | 'sms', count: number) {
  const { rows } = await sql<{ word: string }>`
    SELECT a.word FROM ts_stat($$SELECT search_vector FROM shared_thread_messages TABLESAMPLE SYSTEM (2) REPEATABLE (18)$$) a
      LEFT JOIN ts_stat(${`SELECT search_vector FROM shared_thread_messages TABLESAMPLE SYSTEM (5) REPEATABLE (18) WHERE channel = '${channel}'`}) b
        ON b.word = a.word
     WHERE a.word ~ '^[a-z]{4,}$' AND b.word IS NULL
     ORDER BY a.ndoc DESC, a.word LIMIT ${count}`.execute(db);
  return rows.map((r) => ({ q: r.word }));
}

const searchCommon: BenchOperation<{ q: string }> = {
  key: 'messageSearchCommon',
  label: 'Message search: a common word (20 ranked hits with snippets)',
  queryFunction: 'server/queries/conversations-search.ts#messageSearch',
  expectedIndexes: ['shared_thread_messages_created_idx'],
  inputs: (db, count) => wordsByFrequency(db, false, Math.min(count, 12)),
  run: (db, i) => messageSearch(db, { q: i.q, limit: 20 }),
};

const searchRare: BenchOperation<{ q: string }> = {
  key: 'messageSearchRare',
  label: 'Message search: a rare word (20 ranked hits with snippets)',
  queryFunction: 'server/queries/conversations-search.ts#messageSearch',
  expectedIndexes: ['shared_thread_messages_search_channel_idx'],
  inputs: (db, count) => wordsByFrequency(db, true, Math.min(count, 12)),
  run: (db, i) => messageSearch(db, { q: i.q, limit: 20 }),
};

/** Message search with the list's triage filters (the hits honour them, issue 18). */
function filteredSearch(
  key: string,
  label: string,
  rare: boolean,
  filters: Omit<MessageSearchParams, 'q' | 'limit'>,
  expectedIndexes: string[],
): BenchOperation<{ q: string }> {
  return {
    key,
    label: `Message search: ${label} (20 ranked hits with snippets)`,
    queryFunction: 'server/queries/conversations-search.ts#messageSearch',
    expectedIndexes,
    inputs: (db, count) => wordsByFrequency(db, rare, Math.min(count, 12)),
    run: (db, i) => messageSearch(db, { q: i.q, limit: 20, timeZone: DEFAULT_TIME_ZONE, ...filters }),
  };
}

function filterOp(
  key: string,
  label: string,
  index: string,
  inputs: BenchOperation<Partial<ListThreadsParams>>['inputs'],
): BenchOperation<Partial<ListThreadsParams>> {
  return {
    key,
    label: `Conversations filter: ${label} (first page of 30)`,
    queryFunction: 'server/queries/conversations-list.ts#listThreads',
    expectedIndexes: [index],
    inputs,
    run: (db, i) => listThreads(db, { ...i, timeZone: DEFAULT_TIME_ZONE, limit: 30 }),
  };
}

const same = (p: Partial<ListThreadsParams>) => async (_db: unknown, count: number) => Array.from({ length: count }, () => p);

export function conversationOperations(): BenchOperation<any>[] {
  return [
    searchCommon,
    searchRare,
    filteredSearch('messageSearchCommonOpen', 'a common word in open threads', false, { status: 'open' }, [
      'shared_thread_messages_created_idx',
      'shared_threads_open_idx',
    ]),
    filteredSearch('messageSearchRareWaiting', 'a rare word in threads waiting on us', true, { waiting: true }, [
      'shared_thread_messages_search_channel_idx',
      'shared_threads_waiting_idx',
    ]),
    filteredSearch('messageSearchCommonCalls', 'a common word in calls only', false, { channel: 'voice' }, [
      'shared_thread_messages_created_idx',
    ]),
    // Issue 18's worst cases, found by measuring every filter with common, rare and absent words at
    // 1M messages (bench/RESULTS.md): 0.6-1 s each before 0026 and the bounded walk.
    {
      ...filteredSearch('messageSearchNeverInCalls', 'a common word no call holds, in calls only', false, { channel: 'voice' }, [
        'shared_thread_messages_search_channel_idx',
      ]),
      inputs: (db, count) => wordsAbsentFrom(db, 'voice', Math.min(count, 12)),
    },
    {
      ...filteredSearch(
        'messageSearchNeverInCallsClosed',
        "a common word no call holds, in closed threads' calls",
        false,
        { channel: 'voice', status: 'closed' },
        ['shared_thread_messages_search_channel_idx'],
      ),
      inputs: (db, count) => wordsAbsentFrom(db, 'voice', Math.min(count, 12)),
    },
    {
      ...filteredSearch('messageSearchOnlyInCallsSms', 'a common word only calls hold, in SMS only', false, { channel: 'sms' }, [
        'shared_thread_messages_search_channel_idx',
      ]),
      inputs: (db, count) => wordsAbsentFrom(db, 'sms', Math.min(count, 12)),
    },
    filteredSearch('messageSearchCommonClosed', 'a common word in closed threads', false, { status: 'closed' }, [
      'shared_thread_messages_created_idx',
      'shared_threads_open_idx',
    ]),
    filteredSearch(
      'messageSearchCommonWaitingCalls',
      'a common word in the calls of threads waiting on us',
      false,
      { waiting: true, channel: 'voice' },
      ['shared_thread_messages_created_idx', 'shared_threads_waiting_idx'],
    ),
    filterOp('filterCustomer', "a customer's threads, with the count", 'shared_threads_customer_id_idx', async (db, count) => {
      const { rows } = await sql<{ id: string }>`
        SELECT customer_id AS id FROM shared_threads WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY count(*), 1`.execute(db);
      return interleave(spread(rows, count)).map((r) => ({ customerId: Number(r.id) }));
    }),
    filterOp('filterWaiting', 'waiting on us, oldest first, with the count', 'shared_threads_waiting_idx', same({ waiting: true })),
    filterOp('filterOpen', 'open', 'shared_threads_last_message_idx', same({ status: 'open' })),
    filterOp('filterVoice', 'has a voice call', 'shared_threads_last_message_idx', same({ channel: 'voice' })),
    filterOp('filterDates', 'a 30-day range of last activity', 'shared_threads_last_message_idx', async (db, count) => {
      const { rows } = await sql<{ d: string }>`
        SELECT to_char(max(last_message_at) AT TIME ZONE ${DEFAULT_TIME_ZONE} - interval '90 days', 'YYYY-MM-DD') AS d
          FROM shared_threads`.execute(db);
      const from = rows[0]!.d;
      const to = new Date(Date.parse(`${from}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
      return Array.from({ length: count }, () => ({ from, to }));
    }),
  ];
}
