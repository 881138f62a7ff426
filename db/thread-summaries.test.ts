import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { loadMigrationFiles, runMigrations } from '@/db/migrator';
import { createScratchDatabase, type ScratchDatabase } from '@/db/testing/database';
import { testSessions } from '@/db/testing/sessions';

/**
 * Migration 0010: shared_threads' summary columns follow shared_thread_messages whoever writes
 * them. Every check compares with the truth computed here, the plain way, not with the
 * migration's own functions.
 */
let s: ScratchDatabase;
let db: Db;

const T = Array.from({ length: 6 }, (_, i) => `00000000-0000-4000-8000-00000000000${i + 1}`);

beforeAll(async () => {
  s = await createScratchDatabase('summaries');
  db = s.db;
  // Threads and messages exist before 0010, with summaries that are wrong or missing.
  const files = loadMigrationFiles();
  await runMigrations(db, { files: files.filter((f) => f.name < '0010') });
  await sql`INSERT INTO shared_threads (id, message_count, channels, last_message_at, last_message_preview)
            SELECT id, 99, '{voice}', '2001-01-01', 'stale' FROM unnest(${T}::uuid[]) AS u(id)`.execute(db);
  await sql`INSERT INTO shared_thread_messages (thread_id, channel, direction, author_type, body, created_at)
            SELECT ${T[0]}::uuid, (ARRAY['web', 'sms'])[1 + i % 2], 'inbound', 'customer', 'm' || i, '2025-01-01'::timestamptz + i * interval '1 hour'
            FROM generate_series(1, 30) i`.execute(db);
  await runMigrations(db, { files });
});
afterAll(() => s?.drop());

interface Summary {
  id: string;
  message_count: number;
  channels: string[];
  last_message_at: Date | null;
  last_message_preview: string | null;
}

/** Stored summaries next to the ones the messages give, for every thread; the differing ones. */
async function drift(): Promise<Array<{ stored: Summary; truth: Summary }>> {
  const { rows } = await sql<Summary & { t: Summary }>`
    WITH truth AS (
      SELECT t.id,
             count(m.id)::int AS message_count,
             ARRAY(SELECT c FROM unnest(ARRAY['web', 'sms', 'voice']) c WHERE c = ANY (array_agg(m.channel))) AS channels,
             max(m.created_at) AS last_message_at,
             (SELECT left(body, 160) FROM shared_thread_messages l WHERE l.thread_id = t.id ORDER BY created_at DESC, id DESC LIMIT 1) AS last_message_preview
        FROM shared_threads t LEFT JOIN shared_thread_messages m ON m.thread_id = t.id
       GROUP BY t.id
    )
    SELECT t.id, t.message_count, t.channels, t.last_message_at, t.last_message_preview, to_jsonb(x) AS t
      FROM shared_threads t JOIN truth x ON x.id = t.id
     WHERE (t.message_count, t.channels, t.last_message_at, t.last_message_preview)
           IS DISTINCT FROM (x.message_count, x.channels, x.last_message_at, x.last_message_preview)`.execute(db);
  return rows.map(({ t, ...stored }) => ({ stored, truth: t }));
}

async function expectExact(label = '') {
  expect(await drift(), label).toEqual([]);
}

async function summary(id: string) {
  const { rows } = await sql<Summary>`
    SELECT id, message_count, channels, last_message_at, last_message_preview FROM shared_threads WHERE id = ${id}`.execute(db);
  return rows[0]!;
}

const insert = (thread: string, channel: string, body: string, at: string) =>
  sql`INSERT INTO shared_thread_messages (thread_id, channel, direction, author_type, body, created_at)
      VALUES (${thread}, ${channel}, 'inbound', 'customer', ${body}, ${at})`.execute(db);

describe('migration 0010', () => {
  it('corrected the summaries written before it', async () => {
    await expectExact();
    expect(await summary(T[0]!)).toMatchObject({ message_count: 30, channels: ['web', 'sms'], last_message_preview: 'm30' });
    expect(await summary(T[1]!)).toMatchObject({ message_count: 0, channels: [], last_message_at: null, last_message_preview: null });
  });
});

describe('writes keep every summary exact', () => {
  it('inserts: one row, many rows over many threads, older messages, equal times', async () => {
    await insert(T[1]!, 'voice', 'first call', '2025-02-01T10:00:00Z');
    expect(await summary(T[1]!)).toMatchObject({ message_count: 1, channels: ['voice'], last_message_preview: 'first call' });
    // An older message changes the count and channels, not the newest.
    await insert(T[1]!, 'web', 'an older chat', '2025-01-15T10:00:00Z');
    expect(await summary(T[1]!)).toMatchObject({ message_count: 2, channels: ['web', 'voice'], last_message_preview: 'first call' });
    // Equal times: the higher id is the newest (as the thread view orders them).
    await insert(T[1]!, 'sms', 'same moment', '2025-02-01T10:00:00Z');
    expect((await summary(T[1]!)).last_message_preview).toBe('same moment');
    await sql`INSERT INTO shared_thread_messages (thread_id, channel, direction, author_type, body, created_at)
              SELECT (${T}::uuid[])[1 + i % 5], (ARRAY['web', 'sms', 'voice'])[1 + i % 3], 'outbound', 'staff',
                     repeat('long body ', 30) || i, '2025-03-01'::timestamptz + (i % 17) * interval '1 minute'
              FROM generate_series(1, 500) i`.execute(db);
    await expectExact();
    expect((await summary(T[2]!)).last_message_preview).toHaveLength(160);
  });

  it('deletes: the newest message, the last of a channel, every message of a thread', async () => {
    await sql`DELETE FROM shared_thread_messages WHERE id = (SELECT max(id) FROM shared_thread_messages WHERE thread_id = ${T[3]})`.execute(
      db,
    );
    await expectExact('newest of a thread');
    await sql`DELETE FROM shared_thread_messages WHERE thread_id = ${T[1]} AND channel = 'voice'`.execute(db);
    expect((await summary(T[1]!)).channels).not.toContain('voice');
    await expectExact('last of a channel');
    await sql`DELETE FROM shared_thread_messages WHERE thread_id = ${T[4]}`.execute(db);
    expect(await summary(T[4]!)).toMatchObject({ message_count: 0, channels: [], last_message_at: null, last_message_preview: null });
    await expectExact('a whole thread');
  });

  it('updates: a body, a time that makes another message the newest, a channel, a move to another thread', async () => {
    await sql`UPDATE shared_thread_messages SET body = 'edited' WHERE id = (SELECT max(id) FROM shared_thread_messages WHERE thread_id = ${T[2]})`.execute(
      db,
    );
    await expectExact('body');
    await sql`UPDATE shared_thread_messages SET created_at = '2030-01-01' WHERE id = (SELECT min(id) FROM shared_thread_messages WHERE thread_id = ${T[2]})`.execute(
      db,
    );
    await expectExact('time');
    await sql`UPDATE shared_thread_messages SET channel = 'web' WHERE thread_id = ${T[0]}`.execute(db);
    expect((await summary(T[0]!)).channels).toEqual(['web']);
    await sql`UPDATE shared_thread_messages SET thread_id = ${T[5]} WHERE thread_id = ${T[3]} AND channel = 'sms'`.execute(db);
    await expectExact('moved');
    // An update that changes nothing a summary shows rewrites no thread.
    const before = await sql<{ xmin: string }>`SELECT xmin::text FROM shared_threads WHERE id = ${T[5]}`.execute(db);
    await sql`UPDATE shared_thread_messages SET author_name = 'Sam' WHERE thread_id = ${T[5]}`.execute(db);
    const after = await sql<{ xmin: string }>`SELECT xmin::text FROM shared_threads WHERE id = ${T[5]}`.execute(db);
    expect(after.rows[0]!.xmin).toBe(before.rows[0]!.xmin);
  });

  it('a rolled-back write leaves no trace; deleting a thread takes its messages along', async () => {
    const was = await summary(T[0]!);
    await db
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO shared_thread_messages (thread_id, channel, direction, author_type, body) VALUES (${T[0]}, 'voice', 'inbound', 'customer', 'gone')`.execute(
          trx,
        );
        throw new Error('rollback');
      })
      .catch(() => {});
    expect(await summary(T[0]!)).toEqual(was);
    const extra = '00000000-0000-4000-8000-0000000000ff';
    await sql`INSERT INTO shared_threads (id) VALUES (${extra})`.execute(db);
    await insert(extra, 'sms', 'bye', '2025-05-01T00:00:00Z');
    await sql`DELETE FROM shared_threads WHERE id = ${extra}`.execute(db);
    await expectExact();
  });

  it('TRUNCATE empties every summary', async () => {
    await sql`TRUNCATE shared_thread_messages`.execute(db);
    await expectExact();
    expect((await summary(T[0]!)).message_count).toBe(0);
  });

  it("a bulk loader's app.thread_summaries = off skips the work; shared_threads_summary_refresh repairs", async () => {
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL app.thread_summaries = 'off'`.execute(trx);
      await sql`INSERT INTO shared_thread_messages (thread_id, channel, direction, author_type, body) VALUES (${T[0]}, 'sms', 'inbound', 'customer', 'loaded')`.execute(
        trx,
      );
    });
    expect((await drift()).map((d) => d.stored.id)).toEqual([T[0]]);
    const { rows } = await sql<{ ids: string[] }>`SELECT array(SELECT shared_threads_summary_drift(NULL)) AS ids`.execute(db);
    expect(rows[0]!.ids).toEqual([T[0]]);
    const fixed = await sql<{ n: number }>`SELECT shared_threads_summary_refresh(${rows[0]!.ids}::uuid[]) AS n`.execute(db);
    expect(fixed.rows[0]!.n).toBe(1);
    await expectExact();
    // Only for its own transaction: the next insert is counted.
    await insert(T[0]!, 'web', 'counted', '2030-01-01T00:00:00Z');
    expect(await summary(T[0]!)).toMatchObject({ message_count: 2, last_message_preview: 'counted' });
  });
});

describe('concurrent writers to one thread', { timeout: 20_000 }, () => {
  const sessions = testSessions(
    () => s.url,
    () => db,
  );
  const client = () => sessions.open();
  const waitUntilBlocked = (pid: number) => sessions.waitUntilBlocked(pid);
  afterAll(() => sessions.closeAll());
  const ins = (thread: string, body: string, at: string) =>
    `INSERT INTO shared_thread_messages (thread_id, channel, direction, author_type, body, created_at) VALUES ('${thread}', 'sms', 'inbound', 'customer', '${body}', '${at}')`;

  it('two inserts: the second waits for the first, then adds to what it committed', async () => {
    const [a, b] = [await client(), await client()];
    const bPid = b.pid;
    const before = (await summary(T[1]!)).message_count;
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query(ins(T[1]!, 'from a', '2026-02-01T00:00:00Z'));
    const bInsert = b.query(ins(T[1]!, 'from b', '2026-01-31T00:00:00Z'));
    await waitUntilBlocked(bPid);
    await a.query('COMMIT');
    await bInsert;
    await b.query('COMMIT');
    expect(await summary(T[1]!)).toMatchObject({ message_count: before + 2, last_message_preview: 'from a' });
    await expectExact();
  });

  it('two deletes of different messages: neither recount misses the other (no lost update)', async () => {
    await sql`INSERT INTO shared_thread_messages (thread_id, channel, direction, author_type, body, created_at)
              SELECT ${T[2]}::uuid, 'web', 'inbound', 'customer', 'd' || i, '2026-03-01'::timestamptz + i * interval '1 minute'
              FROM generate_series(1, 5) i`.execute(db);
    const before = (await summary(T[2]!)).message_count;
    const [a, b] = [await client(), await client()];
    const bPid = b.pid;
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query(`DELETE FROM shared_thread_messages WHERE thread_id = '${T[2]}' AND body = 'd5'`);
    const bDelete = b.query(`DELETE FROM shared_thread_messages WHERE thread_id = '${T[2]}' AND body = 'd4'`);
    await waitUntilBlocked(bPid);
    await a.query('COMMIT');
    await bDelete;
    await b.query('COMMIT');
    expect(await summary(T[2]!)).toMatchObject({ message_count: before - 2, last_message_preview: 'd3' });
    await expectExact();
  });

  it('eight connections inserting single messages into one thread at once: every one counted, no deadlock', async () => {
    const before = (await summary(T[3]!)).message_count;
    const writers = await Promise.all(Array.from({ length: 8 }, () => client()));
    await Promise.all(
      writers.map(async (c, w) => {
        for (let i = 0; i < 25; i++) await c.query(ins(T[3]!, `c${w}-${i}`, '2026-05-01T00:00:00Z'));
      }),
    );
    expect((await summary(T[3]!)).message_count).toBe(before + 200);
    await expectExact();
  });

  it('an insert and a delete, and many writers over several threads in opposite orders: exact, no deadlock', async () => {
    const [a, b] = [await client(), await client()];
    const bPid = b.pid;
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query(`DELETE FROM shared_thread_messages WHERE thread_id = '${T[2]}' AND body = 'd3'`);
    const bInsert = b.query(ins(T[2]!, 'during the delete', '2026-03-01T00:01:30Z'));
    await waitUntilBlocked(bPid);
    await a.query('COMMIT');
    await bInsert;
    await b.query('COMMIT');
    await expectExact('insert + delete');

    // Each statement locks its threads in id order, whatever order its rows come in, so
    // statements in opposite orders never deadlock. (A transaction that writes to several threads
    // in separate statements holds each thread until it commits, like any row it updates: such
    // writers should go in thread-id order, or retry on a deadlock error.)
    const writers = await Promise.all(Array.from({ length: 6 }, () => client()));
    await Promise.all(
      writers.map(async (c, w) => {
        const order = w % 2 ? [...T].reverse() : T;
        for (let round = 0; round < 20; round++) {
          const threads = order.slice(0, 2 + (round % 4));
          const at = `2026-04-01T00:${String(round).padStart(2, '0')}:00Z`;
          await c.query(
            `INSERT INTO shared_thread_messages (thread_id, channel, direction, author_type, body, created_at)
             SELECT t, (ARRAY['web', 'sms', 'voice'])[1 + (${w} + ord::int) % 3], 'inbound', 'customer', 'w${w}r${round}', '${at}'
             FROM unnest($1::uuid[]) WITH ORDINALITY AS u(t, ord)`,
            [threads],
          );
          if (round % 4 === 0) {
            await c.query(
              `DELETE FROM shared_thread_messages WHERE id IN (
              SELECT max(id) FROM shared_thread_messages WHERE thread_id = ANY ($1::uuid[]) GROUP BY thread_id)`,
              [threads],
            );
          }
        }
      }),
    );
    await expectExact('many writers');
  });
});
