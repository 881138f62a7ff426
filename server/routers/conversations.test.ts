import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessageCursor, encodeThreadCursor } from '../queries/conversations-cursors';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;
let linkedThread: string;
let anonThread: string;
let emptyThread: string;
let customerId: number;

beforeAll(async () => {
  h = await createHarness('conv_router');
  const customer = await h.db
    .insertInto('customers')
    .values({ name: 'Dana Whitfield', phone: '+15125550142', email: 'dana@example.com' })
    .returning('id')
    .executeTakeFirstOrThrow();
  customerId = customer.id;
  const base = Date.parse('2026-01-10T12:00:00Z');
  const mk = async (values: { customer_id: number | null; contact_phone: string | null; n: number; offsetMin: number }) => {
    // The summary (count, channels, last message) is the database's own work (migration 0010).
    const t = await h.db
      .insertInto('shared_threads')
      .values({ customer_id: values.customer_id, contact_phone: values.contact_phone })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (values.n) {
      await h.db
        .insertInto('shared_thread_messages')
        .values(
          Array.from({ length: values.n }, (_, i) => ({
            thread_id: t.id,
            channel: i % 5 === 4 ? ('voice' as const) : ('sms' as const),
            direction: i % 2 ? ('outbound' as const) : ('inbound' as const),
            author_type: i % 2 ? ('staff' as const) : ('customer' as const),
            body: `message ${i + 1}`,
            voice_duration_seconds: i % 5 === 4 ? 60 + i : null,
            voice_transcript: i % 5 === 4 ? 'Caller: hi\nAgent: hello' : null,
            created_at: new Date(base + (values.offsetMin + i + 1) * 60_000),
          })),
        )
        .execute();
    }
    return t.id;
  };
  linkedThread = await mk({ customer_id: customerId, contact_phone: null, n: 120, offsetMin: 0 });
  anonThread = await mk({ customer_id: null, contact_phone: '+13125550199', n: 7, offsetMin: 500 });
  emptyThread = await mk({ customer_id: null, contact_phone: null, n: 0, offsetMin: 0 });
});
afterAll(() => h?.drop());

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('without a session', () => {
  it('every procedure is UNAUTHORIZED, through the caller and over HTTP', async () => {
    const anon = await h.callerAs('anonymous');
    await expect(anon.conversations.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(anon.conversations.history({ threadId: linkedThread })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(anon.conversations.byId({ threadId: linkedThread })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    for (const [proc, input] of [
      ['conversations.list', {}],
      ['conversations.history', { threadId: linkedThread }],
      ['conversations.byId', { threadId: linkedThread }],
    ] as const) {
      const res = await h.http('anonymous', proc, input);
      expect(res.status, proc).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
  });
});

describe('valid input', () => {
  it('staff and admin both see the thread list, most recent activity first', async () => {
    for (const role of ['staff', 'admin'] as const) {
      const page = await (await h.callerAs(role)).conversations.list({});
      // The empty thread (no message yet) is not listed.
      expect(page.threads.map((t) => t.id)).toEqual([anonThread, linkedThread]);
      expect(page.nextCursor).toBeNull();
      expect(page.threads[1]).toEqual({
        id: linkedThread,
        customerId,
        customerName: 'Dana Whitfield',
        customerEmail: 'dana@example.com',
        contactName: null,
        phone: '+15125550142',
        channels: ['sms', 'voice'],
        status: 'open',
        // Message 120 is the staff's (odd indexes are outbound): not waiting on us.
        lastDirection: 'outbound',
        lastMessagePreview: 'message 120',
        lastMessageAt: new Date('2026-01-10T14:00:00Z'),
        messageCount: 120,
        matched: null,
      });
      expect(page.threads[0]).toMatchObject({ customerId: null, customerName: null, phone: '+13125550199' });
    }
  });

  it('searches by name fragment, by phone typed with punctuation, and filters by channel', async () => {
    const staff = await h.callerAs('staff');
    expect((await staff.conversations.list({ search: 'whitf' })).threads.map((t) => t.id)).toEqual([linkedThread]);
    expect((await staff.conversations.list({ search: '(512) 555-0142' })).threads.map((t) => t.id)).toEqual([linkedThread]);
    // An anonymous thread is found by the number it came from.
    expect((await staff.conversations.list({ search: '312-555' })).threads.map((t) => t.id)).toEqual([anonThread]);
    expect((await staff.conversations.list({ channel: 'voice' })).threads).toHaveLength(2);
    expect((await staff.conversations.list({ channel: 'web' })).threads).toHaveLength(0);
    // LIKE wildcards typed by the user are literal characters, not "match anything".
    expect((await staff.conversations.list({ search: '%' })).threads).toHaveLength(0);
    expect((await staff.conversations.list({ search: '_' })).threads).toHaveLength(0);
  });

  it('SQL typed into the search box is only ever a search term', async () => {
    const staff = await h.callerAs('staff');
    for (const search of ["'; DROP TABLE customers; --", "' OR '1'='1", "x' UNION SELECT password FROM auth_account --"]) {
      expect((await staff.conversations.list({ search })).threads).toEqual([]);
    }
    expect(
      await h.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 1 });
  });

  it('pages a thread list by cursor without skipping or repeating', async () => {
    const staff = await h.callerAs('staff');
    const first = await staff.conversations.list({ limit: 1 });
    expect(first.threads.map((t) => t.id)).toEqual([anonThread]);
    const second = await staff.conversations.list({ limit: 1, cursor: first.nextCursor });
    expect(second.threads.map((t) => t.id)).toEqual([linkedThread]);
    expect(second.nextCursor).toBeNull();
  });

  it('history pages back through a whole thread, newest first, in the database order', async () => {
    const staff = await h.callerAs('staff');
    const expected = await h.db
      .selectFrom('shared_thread_messages')
      .select('id')
      .where('thread_id', '=', linkedThread)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { messages: { id: number }[]; nextCursor: string | null } = await staff.conversations.history({
        threadId: linkedThread,
        limit: 50,
        cursor,
      });
      seen.push(...page.messages.map((m) => m.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected.map((r) => r.id));
  });

  it('history returns what the screen needs, and accepts the `direction` useInfiniteQuery adds', async () => {
    const page = await (await h.callerAs('admin')).conversations.history({ threadId: linkedThread, limit: 1, direction: 'forward' });
    expect(page.messages).toEqual([
      {
        id: expect.any(Number),
        channel: 'voice',
        direction: 'outbound',
        authorType: 'staff',
        authorName: null,
        body: 'message 120',
        voiceDurationSeconds: 179,
        voiceTranscript: 'Caller: hi\nAgent: hello',
        voiceRecordingUrl: null,
        createdAt: new Date('2026-01-10T14:00:00Z'),
      },
    ]);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('an empty thread has an empty history; byId gives the header', async () => {
    const staff = await h.callerAs('staff');
    expect(await staff.conversations.history({ threadId: emptyThread })).toEqual({
      messages: [],
      nextCursor: null,
      prevCursor: null,
      newestCursor: null,
    });
    expect(await staff.conversations.byId({ threadId: linkedThread })).toEqual({
      id: linkedThread,
      customerId,
      customerName: 'Dana Whitfield',
      customerPhone: '+15125550142',
      customerEmail: 'dana@example.com',
      contactName: null,
      contactPhone: null,
      channels: ['sms', 'voice'],
      status: 'open',
      messageCount: 120,
      lastMessageAt: new Date('2026-01-10T14:00:00Z'),
      createdAt: expect.any(Date),
    });
  });

  it('works over HTTP (superjson on the wire)', async () => {
    const res = await h.http('staff', 'conversations.history', { threadId: anonThread, limit: 3 });
    expect(res.status).toBe(200);
    expect(res.body.result.messages.map((m: { body: string }) => m.body)).toEqual(['message 7', 'message 6', 'message 5']);
    expect(res.body.result.messages[0].createdAt).toBeInstanceOf(Date);
  });
});

describe('NOT_FOUND', () => {
  it('for a thread id that does not exist', async () => {
    const staff = await h.callerAs('staff');
    await expect(staff.conversations.byId({ threadId: UNKNOWN })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(staff.conversations.history({ threadId: UNKNOWN })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const res = await h.http('staff', 'conversations.history', { threadId: randomUUID() });
    expect(res.status).toBe(404);
  });
});

describe('hostile input is BAD_REQUEST, never a 500', () => {
  const huge = 'x'.repeat(200_000);
  const validMessageCursor = () => encodeMessageCursor({ createdAt: '2026-01-10T13:00:00.000000Z', id: 10 });
  const b64 = (s: string) => Buffer.from(s).toString('base64url');

  const listCases: Array<[string, unknown]> = [
    ['search too long', { search: 'a'.repeat(101) }],
    ['search huge', { search: huge }],
    ['search with NUL', { search: 'a\u0000b' }],
    ['search as array', { search: ['smith'] }],
    ['search as object', { search: { $ne: null } }],
    ['search as number', { search: 42 }],
    ['negative limit', { limit: -1 }],
    ['zero limit', { limit: 0 }],
    ['limit above 100', { limit: 101 }],
    ['enormous limit', { limit: 1e308 }],
    ['fractional limit', { limit: 2.5 }],
    ['limit as string', { limit: '10' }],
    ['limit NaN', { limit: Number.NaN }],
    ['limit Infinity', { limit: Number.POSITIVE_INFINITY }],
    ['limit bigint', { limit: 10n }],
    ['unknown channel', { channel: 'fax' }],
    ['channel as array', { channel: ['sms'] }],
    ['channel SQL', { channel: "sms'] OR 1=1 --" }],
    ['unknown key', { search: 'a', admin: true }],
    ['garbage cursor', { cursor: 'garbage!' }],
    ['cursor as number', { cursor: 12 }],
    ['cursor too long', { cursor: huge }],
    ['cursor of the wrong kind', { cursor: validMessageCursor() }],
    ['cursor with impossible date', { cursor: b64(`2026-02-30T00:00:00.000000Z|${UNKNOWN}`) }],
    ['cursor with SQL', { cursor: b64(`2026-01-01T00:00:00.000000Z|'; DROP TABLE shared_threads; --`) }],
    ['cursor, non-canonical base64', { cursor: `${encodeThreadCursor({ lastMessageAt: '2026-01-01T00:00:00.000000Z', id: UNKNOWN })}==` }],
    ['unknown direction', { direction: 'sideways' }],
    ['array instead of object', ['list']],
    ['string instead of object', 'list'],
  ];
  const historyCases: Array<[string, unknown]> = [
    ['missing thread id', {}],
    ['not a uuid', { threadId: 'not-a-uuid' }],
    ['SQL as id', { threadId: "1' OR '1'='1" }],
    ['uuid too long', { threadId: `${UNKNOWN}0` }],
    ['id as number', { threadId: 1 }],
    ['id as array', { threadId: [UNKNOWN] }],
    ['null id', { threadId: null }],
    ['limit above 100', { threadId: UNKNOWN, limit: 1000 }],
    ['negative limit', { threadId: UNKNOWN, limit: -5 }],
    ['unknown key', { threadId: UNKNOWN, orderBy: 'id; DROP TABLE x' }],
    ['cursor garbage', { threadId: UNKNOWN, cursor: '%%%' }],
    ['cursor with id 0', { threadId: UNKNOWN, cursor: b64('2026-01-01T00:00:00.000000Z|0') }],
    ['cursor with enormous id', { threadId: UNKNOWN, cursor: b64('2026-01-01T00:00:00.000000Z|99999999999999999999') }],
    ['cursor with negative id', { threadId: UNKNOWN, cursor: b64('2026-01-01T00:00:00.000000Z|-1') }],
    ['cursor with year 0', { threadId: UNKNOWN, cursor: b64('0000-01-01T00:00:00.000000Z|1') }],
    ['cursor with hour 24', { threadId: UNKNOWN, cursor: b64('2026-01-01T24:00:00.000000Z|1') }],
    ['cursor without microseconds', { threadId: UNKNOWN, cursor: b64('2026-01-01T00:00:00Z|1') }],
    [
      'thread cursor for messages',
      { threadId: UNKNOWN, cursor: encodeThreadCursor({ lastMessageAt: '2026-01-01T00:00:00.000000Z', id: UNKNOWN }) },
    ],
  ];
  const byIdCases: Array<[string, unknown]> = [
    ['not a uuid', { threadId: 'abc' }],
    ['unknown key', { threadId: UNKNOWN, include: 'everything' }],
    ['nothing', undefined],
  ];

  for (const [proc, cases] of [
    ['list', listCases],
    ['history', historyCases],
    ['byId', byIdCases],
  ] as const) {
    it.each(cases)(`conversations.${proc}: %s`, async (_name, input) => {
      const staff = await h.callerAs('staff');
      const call = (staff.conversations[proc] as (i: unknown) => Promise<unknown>)(input);
      await expect(call).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      const res = await h.http('staff', `conversations.${proc}`, input);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.message.length).toBeLessThan(2_000);
    });
  }

  it('says what is wrong in words a person understands', async () => {
    const res = await h.http('staff', 'conversations.list', { limit: 500 });
    expect(res.body.error.message).toContain('Limit can be at most 100.');
    const bad = await h.http('staff', 'conversations.history', { threadId: linkedThread, cursor: 'nope' });
    expect(bad.body.error.message).toContain('Cursor is not valid');
  });

  it('a __proto__ key (prototype pollution attempt) is rejected as an unknown key', async () => {
    const staff = await h.callerAs('staff');
    await expect(staff.conversations.list(JSON.parse('{"__proto__": {"limit": 1}, "x": 1}'))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const res = await h.http('staff', 'conversations.list', undefined, { rawInput: '{"json":{"__proto__":{"limit":1},"x":1}}' });
    expect(res.status).toBe(400);
  });

  it('malformed JSON in the URL is a 400', async () => {
    const res = await h.http('staff', 'conversations.list', undefined, { rawInput: '{"json":{"limit":' });
    expect(res.status).toBe(400);
  });

  it('a valid cursor for a thread that does not exist is NOT_FOUND, not an error', async () => {
    const res = await h.http('staff', 'conversations.history', { threadId: UNKNOWN, cursor: validMessageCursor() });
    expect(res.status).toBe(404);
  });

  it('the database is intact afterwards', async () => {
    const n = await sql<{ n: number }>`select count(*)::int as n from shared_thread_messages`.execute(h.db);
    expect(n.rows[0]?.n).toBe(127);
  });
});

describe('message search, triage filters, opening a thread at a message', () => {
  it('searchMessages needs a session, finds bodies and transcripts, and says where the hit is', async () => {
    const anon = await h.callerAs('anonymous');
    await expect(anon.conversations.searchMessages({ q: 'hello' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const staff = await h.callerAs('staff');
    const r = await staff.conversations.searchMessages({ q: 'hello' });
    // 'hello' is in every fifth message's transcript of the two threads.
    expect(r.hits.length).toBe(20);
    expect(r.hits.every((x) => x.channel === 'voice' && x.snippet.includes('\uE000hello\uE001'))).toBe(true);
    expect(new Set(r.hits.map((x) => x.threadId))).toEqual(new Set([linkedThread, anonThread]));
    expect((await staff.conversations.searchMessages({ q: '"message 7"' })).hits.map((x) => x.threadId)).toContain(anonThread);
  });

  it('hostile or oversized searches are results or a clear 400, never a 500', async () => {
    for (const q of ['"', '\\', '&|!:*', "'; select pg_sleep(1); --", '(((', '<->', '-', '"a" -"b" or']) {
      const res = await h.http('staff', 'conversations.searchMessages', { q });
      expect(res.status, q).toBe(200);
    }
    for (const [q, message] of [
      ['x'.repeat(500), /at most 200 characters/],
      ['   ', /Type a word/],
      // The NUL check in front of every procedure (issue 17) answers first.
      ['a\u0000b', /NUL character/],
    ] as const) {
      const res = await h.http('staff', 'conversations.searchMessages', { q });
      expect(res.status, q).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('searchMessages honours the triage filters, and refuses malformed ones with a 400', async () => {
    const staff = await h.callerAs('staff');
    // 'hello' is only in voice transcripts: the SMS filter leaves nothing; a closed status
    // keeps only closed threads' hits.
    expect((await staff.conversations.searchMessages({ q: 'hello', channel: 'sms' })).hits).toEqual([]);
    expect((await staff.conversations.searchMessages({ q: 'hello', channel: 'voice' })).hits.length).toBe(20);
    const { rows } = await sql<{ id: string; status: string }>`select id, status from shared_threads`.execute(h.db);
    const status = new Map(rows.map((r) => [r.id, r.status]));
    for (const s of ['open', 'closed'] as const) {
      const hits = (await staff.conversations.searchMessages({ q: 'hello', status: s })).hits;
      expect(hits.every((x) => status.get(x.threadId) === s)).toBe(true);
    }
    expect((await staff.conversations.searchMessages({ q: 'hello', from: '2000-01-01', to: '2000-01-02' })).hits).toEqual([]);
    for (const [input, message] of [
      [{ q: 'hello', status: 'pending' }, /open or closed/],
      [{ q: 'hello', from: '2026-02-01', to: '2026-01-01' }, /start date must not be after/],
      [{ q: 'hello', channel: 'fax' }, /web, sms or voice/],
      [{ q: 'hello', waiting: 'yes' }, /true or false/],
    ] as const) {
      const res = await h.http('staff', 'conversations.searchMessages', input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('filters by customer (with the count), status and waiting; bad filters are 400', async () => {
    const staff = await h.callerAs('staff');
    const mine = await staff.conversations.list({ customerId });
    expect(mine.threads.map((t) => t.id)).toEqual([linkedThread]);
    expect(mine.total).toBe(1);
    expect((await staff.conversations.list({ customerId: 999_999 })).threads).toEqual([]);
    // The anonymous thread's newest message (7th, index 6) is inbound; the linked one's is outbound.
    expect((await staff.conversations.list({ waiting: true })).threads.map((t) => t.id)).toEqual([anonThread]);
    expect((await staff.conversations.list({ status: 'closed' })).threads).toEqual([]);
    for (const input of [{ customerId: -1 }, { status: 'pending' }, { from: '2026-02-30' }, { from: '2026-03-02', to: '2026-03-01' }]) {
      const res = await h.http('staff', 'conversations.list', input);
      expect(res.status, JSON.stringify(input)).toBe(400);
    }
  });

  it("history opens at a message with newer and older pages around it; another thread's message is NOT_FOUND", async () => {
    const staff = await h.callerAs('staff');
    const newest = await staff.conversations.history({ threadId: linkedThread, limit: 100 });
    const target = newest.messages[60]!;
    const page = await staff.conversations.history({ threadId: linkedThread, limit: 10, aroundMessageId: target.id });
    expect(page.messages.map((m) => m.id)).toContain(target.id);
    expect(page.prevCursor).toEqual(expect.any(String));
    const newer = await staff.conversations.history({ threadId: linkedThread, limit: 10, cursor: page.prevCursor, direction: 'backward' });
    expect(newer.messages.at(-1)!.createdAt.getTime()).toBeGreaterThan(page.messages[0]!.createdAt.getTime());
    await expect(staff.conversations.history({ threadId: anonThread, aroundMessageId: target.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const day = await staff.conversations.history({ threadId: linkedThread, aroundDay: '2026-01-10' });
    expect(day.messages.length).toBeGreaterThan(0);
    const both = await h.http('staff', 'conversations.history', {
      threadId: linkedThread,
      aroundMessageId: target.id,
      aroundDay: '2026-01-10',
    });
    expect(both.status).toBe(400);
  });
});
