import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { ConversationsFeed, type FeedEvent } from './conversations-feed';

let s: ScratchDatabase;
let threadA: string;
let threadB: string;

beforeAll(async () => {
  s = await createScratchDatabase('conv_feed');
  await runMigrations(s.db);
  const rows = await s.db
    .insertInto('shared_threads')
    .values([{ status: 'open' }, { status: 'open' }])
    .returning('id')
    .execute();
  [threadA, threadB] = rows.map((r) => r.id) as [string, string];
});
afterAll(() => s?.drop());

function next(feed: ConversationsFeed, timeoutMs = 5000): Promise<FeedEvent> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no event')), timeoutMs);
    feed.once('event', (e: FeedEvent) => {
      clearTimeout(t);
      resolve(e);
    });
  });
}
const insert = (threadIds: string[]) =>
  s.db
    .insertInto('shared_thread_messages')
    .values(
      threadIds.map((thread_id) => ({
        thread_id,
        channel: 'sms' as const,
        direction: 'inbound' as const,
        author_type: 'customer' as const,
        body: 'hi',
      })),
    )
    .execute();

describe.each(['listen', 'poll'] as const)('ConversationsFeed (%s)', (mode) => {
  it('reports the threads an INSERT statement wrote to, once per statement and thread', async () => {
    const feed = new ConversationsFeed(s.url, mode, 200);
    try {
      await feed.ready;
      const events: FeedEvent[] = [];
      feed.on('event', (e: FeedEvent) => events.push(e));
      const got = next(feed);
      await insert([threadA, threadA, threadB]);
      await got;
      await new Promise((r) => setTimeout(r, mode === 'poll' ? 400 : 100));
      const ids = events.flatMap((e) => (e.kind === 'threads' ? e.threadIds : []));
      expect(ids.sort()).toEqual([threadA, threadB].sort());
    } finally {
      await feed.close();
    }
  });

  it('reconnects after its connection is killed, says resync, and reports again', async () => {
    const feed = new ConversationsFeed(s.url, mode, 200);
    try {
      await feed.ready;
      const resync = next(feed, 15_000);
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE application_name = 'dashboard:live' AND datname = current_database()`.execute(s.db);
      expect(await resync).toEqual({ kind: 'resync' });
      const got = next(feed);
      await insert([threadB]);
      expect(await got).toEqual({ kind: 'threads', threadIds: [threadB] });
    } finally {
      await feed.close();
    }
  }, 30_000);
});

it('a bulk insert into more than 100 threads is one "many changed" notification', async () => {
  const feed = new ConversationsFeed(s.url, 'listen');
  try {
    await feed.ready;
    const threads = await s.db
      .insertInto('shared_threads')
      .values(Array.from({ length: 101 }, () => ({ status: 'open' as const })))
      .returning('id')
      .execute();
    const got = next(feed);
    await insert(threads.map((t) => t.id));
    expect(await got).toEqual({ kind: 'resync' });
  } finally {
    await feed.close();
  }
});
