import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configureOtp, OTP_POLICY } from '../identity/otp';
import { ConsoleOtpSender, ProviderOtpSender } from '../identity/sender';
import { createHarness, type Harness } from '../testing/harness';
import { VERIFY_FAILED } from './identity';

let h: Harness;
let sender: ConsoleOtpSender;
let anon: Awaited<ReturnType<Harness['callerAs']>>;

beforeAll(async () => {
  h = await createHarness('identity');
  anon = await h.callerAs('anonymous');
});
afterAll(() => h?.drop());
let clientSeq = 0;
beforeEach(async () => {
  sender = new ConsoleOtpSender({ silent: true });
  configureOtp({ sender });
  // Each test from its own address, so the per-client limit of one never touches another.
  clientSeq += 1;
  anon = await h.callerAs('anonymous', { clientAddress: `10.17.${clientSeq}.1` });
});

let phoneSeq = 0;
/** A fresh E.164 number per test, so limits of one test never touch another. */
function freshPhone(): string {
  phoneSeq += 1;
  return `+1214555${String(1000 + phoneSeq).padStart(4, '0')}`;
}
async function newThread(contactName: string | null = null): Promise<string> {
  const row = await h.db
    .insertInto('shared_threads')
    .values({ channels: ['web'], contact_name: contactName })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
async function codeError(p: Promise<unknown>) {
  const err: any = await p.then(
    () => null,
    (e) => e,
  );
  expect(err, 'expected the call to fail').not.toBeNull();
  return { code: err.code as string, message: err.message as string };
}

describe('identity.requestCode', () => {
  it('stores only an HMAC of the code, expiring in 10 minutes', async () => {
    const threadId = await newThread();
    const phone = freshPhone();
    const res = await anon.identity.requestCode({ threadId, destination: phone });
    expect(res).toEqual({ sent: true, destinationType: 'phone', maskedDestination: `••••••••${phone.slice(-4)}`, expiresInSeconds: 600 });
    const code = sender.lastCodeFor(phone)!;
    expect(code).toMatch(/^\d{6}$/);

    const { rows } = await sql<{ code_hash: string; ttl: number; text: string }>`
      SELECT code_hash, extract(epoch FROM expires_at - created_at)::int AS ttl,
             (to_jsonb(l) - 'created_at' - 'expires_at' - 'verified_at' - 'consumed_at')::text AS text
        FROM shared_thread_pending_links l WHERE thread_id = ${threadId}`.execute(h.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.code_hash).toMatch(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);
    expect(rows[0]!.text).not.toContain(code);
    expect(rows[0]!.ttl).toBe(OTP_POLICY.ttlSeconds);
  });

  it('normalizes phones to E.164 and emails to lower case', async () => {
    const threadId = await newThread();
    await anon.identity.requestCode({ threadId, destination: '(469) 555-0142' });
    await anon.identity.requestCode({ threadId, destination: '  Pat.Doe@Example.COM ' });
    const dests = await h.db
      .selectFrom('shared_thread_pending_links')
      .select('destination')
      .where('thread_id', '=', threadId)
      .orderBy('created_at')
      .execute();
    expect(dests.map((d) => d.destination).sort()).toEqual(['+14695550142', 'pat.doe@example.com']);
  });

  it('20 requests at once for one destination: exactly 3 get a code, 17 are told how long to wait', async () => {
    const phone = freshPhone();
    const threads = await Promise.all(Array.from({ length: 20 }, () => newThread()));
    const results = await Promise.allSettled(threads.map((threadId) => anon.identity.requestCode({ threadId, destination: phone })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(3);
    expect(rejected).toHaveLength(17);
    for (const r of rejected) {
      expect(r.reason.code).toBe('TOO_MANY_REQUESTS');
      const seconds = Number(/retry after (\d+) s/.exec(r.reason.message)?.[1]);
      expect(seconds).toBeGreaterThan(14 * 60);
      expect(seconds).toBeLessThanOrEqual(15 * 60);
    }
    const stored = await h.db
      .selectFrom('shared_thread_pending_links')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('destination', '=', phone)
      .executeTakeFirstOrThrow();
    expect(stored.n).toBe(3);
    expect(sender.sent.filter((m) => m.to === phone)).toHaveLength(3);
  });

  it('20 requests at once from one thread to 20 destinations: exactly 5 get a code', async () => {
    const threadId = await newThread();
    const phones = Array.from({ length: 20 }, () => freshPhone());
    const results = await Promise.allSettled(phones.map((destination) => anon.identity.requestCode({ threadId, destination })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(OTP_POLICY.perThreadHour);
    for (const r of results) if (r.status === 'rejected') expect(r.reason.code).toBe('TOO_MANY_REQUESTS');
  });

  it('allows 10 per hour: the 11th waits until the oldest of the hour ages out', async () => {
    const phone = freshPhone();
    const threadId = await newThread();
    // Ten codes 20..56 minutes ago: outside the 15-minute window, inside the hour.
    await sql`INSERT INTO shared_thread_pending_links (thread_id, destination_type, destination, code_hash, created_at, expires_at)
      SELECT ${threadId}, 'phone', ${phone}, 'hmac-sha256:x', now() - make_interval(mins => 20 + 4 * g), now() + interval '1 minute'
        FROM generate_series(0, 9) g`.execute(h.db);
    const other = await newThread(); // the thread limit is not what this test is about
    const err = await codeError(anon.identity.requestCode({ threadId: other, destination: phone }));
    expect(err.code).toBe('TOO_MANY_REQUESTS');
    const seconds = Number(/retry after (\d+) s/.exec(err.message)?.[1]);
    expect(seconds).toBeGreaterThan(3 * 60); // oldest is 56 min old: 4 minutes left
    expect(seconds).toBeLessThanOrEqual(4 * 60);
    expect(err.message).toMatch(/Try again in 4 minutes/);
  });

  it('answers NOT_FOUND for a thread that does not exist, and sends nothing', async () => {
    const err = await codeError(anon.identity.requestCode({ threadId: '00000000-0000-4000-8000-000000000000', destination: freshPhone() }));
    expect(err.code).toBe('NOT_FOUND');
    expect(sender.sent).toHaveLength(0);
  });

  it("a failing send is a 502, leaves no code, and uses none of the destination's quota (issue 17)", async () => {
    configureOtp({ sender: { name: 'broken', send: async () => Promise.reject(new Error('provider down')) } });
    const threadId = await newThread();
    const phone = freshPhone();
    for (let i = 0; i < OTP_POLICY.perDestination15m + 1; i++) {
      const err = await codeError(anon.identity.requestCode({ threadId, destination: phone }));
      expect(err).toEqual({ code: 'BAD_GATEWAY', message: 'The code could not be sent right now. Try again in a minute.' });
    }
    expect(await h.db.selectFrom('shared_thread_pending_links').select('id').where('thread_id', '=', threadId).execute()).toEqual([]);
    // The provider is back: the destination still has its whole quota.
    configureOtp({ sender });
    await expect(anon.identity.requestCode({ threadId, destination: phone })).resolves.toMatchObject({ sent: true });
  });

  it("no sender for the destination's kind is a 503 naming the missing settings, and stores nothing", async () => {
    configureOtp({ sender: new ProviderOtpSender({ SMTP_URL: 'smtp://127.0.0.1:9' }) });
    const threadId = await newThread();
    const sms = await codeError(anon.identity.requestCode({ threadId, destination: freshPhone() }));
    expect(sms).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Text messages cannot be sent from this server yet: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM are not set.',
    });
    const email = await codeError(anon.identity.requestCode({ threadId, destination: 'someone@example.com' }));
    expect(email).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Emails cannot be sent from this server yet: OTP_EMAIL_FROM is not set.',
    });
    expect(await h.db.selectFrom('shared_thread_pending_links').select('id').where('thread_id', '=', threadId).execute()).toEqual([]);
  });

  it('limits each client address: the 11th request in 15 minutes waits, another address does not (issue 17)', async () => {
    const results: string[] = [];
    for (let i = 0; i < 12; i++) {
      // A new thread and destination each time: only the client is the same.
      const r = await anon.identity.requestCode({ threadId: await newThread(), destination: freshPhone() }).then(
        () => 'sent',
        (e) => e.code as string,
      );
      results.push(r);
    }
    expect(results).toEqual([...Array(10).fill('sent'), 'TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
    const other = await h.callerAs('anonymous', { clientAddress: '10.99.0.1' });
    await expect(other.identity.requestCode({ threadId: await newThread(), destination: freshPhone() })).resolves.toMatchObject({
      sent: true,
    });
  });

  it('a client cannot pick its own bucket: X-Forwarded-For entries before the peer are ignored', async () => {
    const results: string[] = [];
    for (let i = 0; i < 11; i++) {
      const spoofed = await h.callerAs('anonymous', { clientAddress: `203.0.113.${i}, 10.17.200.1` });
      results.push(
        await spoofed.identity.requestCode({ threadId: await newThread(), destination: freshPhone() }).then(
          () => 'sent',
          (e) => e.code,
        ),
      );
    }
    expect(results.at(-1)).toBe('TOO_MANY_REQUESTS');
  });
});

describe('identity.verifyCode', () => {
  async function issue(destination = freshPhone(), contactName: string | null = null) {
    const threadId = await newThread(contactName);
    await anon.identity.requestCode({ threadId, destination });
    const to = (
      await h.db.selectFrom('shared_thread_pending_links').select('destination').where('thread_id', '=', threadId).executeTakeFirstOrThrow()
    ).destination;
    return { threadId, destination, code: sender.lastCodeFor(to)! };
  }
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('links the thread to a new customer, in one go, and the code is single-use', async () => {
    const { threadId, destination, code } = await issue(freshPhone(), 'Dana Whitfield');
    expect(await anon.identity.verifyCode({ threadId, destination, code })).toEqual({ verified: true });
    const t = await h.db
      .selectFrom('shared_threads')
      .select(['customer_id', 'linked_at', 'contact_phone'])
      .where('id', '=', threadId)
      .executeTakeFirstOrThrow();
    expect(t.customer_id).not.toBeNull();
    expect(t.linked_at).toBeInstanceOf(Date);
    expect(t.contact_phone).toBe(destination);
    const c = await h.db.selectFrom('customers').select(['name', 'phone']).where('id', '=', t.customer_id!).executeTakeFirstOrThrow();
    expect(c).toEqual({ name: 'Dana Whitfield', phone: destination });

    const again = await codeError(anon.identity.verifyCode({ threadId, destination, code }));
    expect(again).toEqual({ code: 'BAD_REQUEST', message: VERIFY_FAILED });
  });

  it('links to the existing customer with that email (case-insensitively)', async () => {
    const existing = await h.db
      .insertInto('customers')
      .values({ name: 'Robin Ames', email: 'robin.ames@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { threadId, code } = await issue('Robin.Ames@Example.com');
    await anon.identity.verifyCode({ threadId, destination: 'ROBIN.AMES@example.com', code });
    const t = await h.db.selectFrom('shared_threads').select('customer_id').where('id', '=', threadId).executeTakeFirstOrThrow();
    expect(t.customer_id).toBe(existing.id);
  });

  it('two verifications of one code at once: exactly one succeeds', async () => {
    const { threadId, destination, code } = await issue();
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => anon.identity.verifyCode({ threadId, destination, code })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('fails after expiry, with the same message as a wrong code', async () => {
    const { threadId, destination, code } = await issue();
    await sql`UPDATE shared_thread_pending_links SET created_at = now() - interval '11 minutes', expires_at = now() - interval '1 minute'
               WHERE thread_id = ${threadId}`.execute(h.db);
    expect(await codeError(anon.identity.verifyCode({ threadId, destination, code }))).toEqual({
      code: 'BAD_REQUEST',
      message: VERIFY_FAILED,
    });
    const t = await h.db.selectFrom('shared_threads').select('customer_id').where('id', '=', threadId).executeTakeFirstOrThrow();
    expect(t.customer_id).toBeNull();
  });

  it('allows 5 attempts: 4 wrong then right works; 5 wrong then right does not', async () => {
    const a = await issue();
    for (let i = 0; i < 4; i++) await codeError(anon.identity.verifyCode({ ...a, code: wrong(a.code) }));
    expect(await anon.identity.verifyCode(a)).toEqual({ verified: true });

    const b = await issue();
    for (let i = 0; i < 5; i++) {
      expect(await codeError(anon.identity.verifyCode({ ...b, code: wrong(b.code) }))).toEqual({
        code: 'BAD_REQUEST',
        message: VERIFY_FAILED,
      });
    }
    expect(await codeError(anon.identity.verifyCode(b))).toEqual({ code: 'BAD_REQUEST', message: VERIFY_FAILED });
    const row = await h.db
      .selectFrom('shared_thread_pending_links')
      .select('attempts')
      .where('thread_id', '=', b.threadId)
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(5); // the sixth try was refused before counting
  });

  it('guesses in parallel cannot exceed 5 attempts', async () => {
    const a = await issue();
    await Promise.allSettled(Array.from({ length: 12 }, () => anon.identity.verifyCode({ ...a, code: wrong(a.code) })));
    const row = await h.db
      .selectFrom('shared_thread_pending_links')
      .select('attempts')
      .where('thread_id', '=', a.threadId)
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(5);
  });

  it('a code only works for the thread and destination it was sent for; a newer code supersedes it', async () => {
    const a = await issue();
    const otherThread = await newThread();
    expect((await codeError(anon.identity.verifyCode({ ...a, threadId: otherThread }))).message).toBe(VERIFY_FAILED);
    expect((await codeError(anon.identity.verifyCode({ ...a, destination: freshPhone() }))).message).toBe(VERIFY_FAILED);
    await anon.identity.requestCode({ threadId: a.threadId, destination: a.destination });
    const newer = sender.lastCodeFor(a.destination)!;
    if (newer !== a.code) expect((await codeError(anon.identity.verifyCode(a))).message).toBe(VERIFY_FAILED);
    expect(await anon.identity.verifyCode({ ...a, code: newer })).toEqual({ verified: true });
  });
});

describe('no user enumeration', () => {
  it('answers identically whether or not a customer has the phone', async () => {
    const known = freshPhone();
    const unknown = freshPhone();
    await h.db.insertInto('customers').values({ name: 'Known Person', phone: known }).execute();
    const [t1, t2] = [await newThread(), await newThread()];

    const r1 = await h.http('anonymous', 'identity.requestCode', { threadId: t1, destination: known }, { method: 'POST' });
    const r2 = await h.http('anonymous', 'identity.requestCode', { threadId: t2, destination: unknown }, { method: 'POST' });
    const strip = (r: { status: number; body: any }) => ({
      status: r.status,
      body: { result: { ...r.body.result, maskedDestination: undefined } },
    });
    expect(strip(r1)).toEqual(strip(r2));
    expect(r1.status).toBe(200);

    const bad1 = await h.http('anonymous', 'identity.verifyCode', { threadId: t1, destination: known, code: '000000' }, { method: 'POST' });
    const bad2 = await h.http(
      'anonymous',
      'identity.verifyCode',
      { threadId: t2, destination: unknown, code: '000000' },
      { method: 'POST' },
    );
    const none = await h.http(
      'anonymous',
      'identity.verifyCode',
      { threadId: await newThread(), destination: known, code: '000000' },
      { method: 'POST' },
    );
    const pick = (r: { status: number; body: any }) => ({ status: r.status, code: r.body.error?.code, message: r.body.error?.message });
    // (000000 is wrong for both unless the code happens to be 000000: one in a million.)
    expect(pick(bad1)).toEqual({ status: 400, code: 'BAD_REQUEST', message: VERIFY_FAILED });
    expect(pick(bad2)).toEqual(pick(bad1));
    expect(pick(none)).toEqual(pick(bad1));

    const ok1 = await h.http(
      'anonymous',
      'identity.verifyCode',
      { threadId: t1, destination: known, code: sender.lastCodeFor(known) },
      { method: 'POST' },
    );
    const ok2 = await h.http(
      'anonymous',
      'identity.verifyCode',
      { threadId: t2, destination: unknown, code: sender.lastCodeFor(unknown) },
      { method: 'POST' },
    );
    // Everything but the response headers (each answer carries its own x-request-id).
    const answer = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });
    expect(answer(ok1)).toEqual(answer(ok2));
    expect(answer(ok1)).toEqual({ status: 200, body: { result: { verified: true } } });
  });
});

describe('hostile input', () => {
  const threadId = '0b7c4c8e-3f1a-4c55-9a43-1d2f6a9e8b10';
  const cases: Array<[string, unknown]> = [
    ['requestCode', { threadId, destination: '+12145550100', extra: 1 }],
    ['requestCode', { threadId: 'not-a-uuid', destination: '+12145550100' }],
    ['requestCode', { threadId, destination: "'; DROP TABLE customers; --" }],
    ['requestCode', { threadId, destination: 'a\u0000b@example.com' }],
    ['requestCode', { threadId, destination: 'x'.repeat(10_000) }],
    ['requestCode', { threadId, destination: 12145550100 }],
    ['requestCode', { threadId, destination: '+0123' }],
    ['requestCode', null],
    ['requestCode', []],
    ['verifyCode', { threadId, destination: '+12145550100', code: '12345' }],
    ['verifyCode', { threadId, destination: '+12145550100', code: 'abcdef' }],
    ['verifyCode', { threadId, destination: '+12145550100', code: 123456 }],
    ['verifyCode', { threadId, destination: '+12145550100', code: '１２３４５６' }],
    ['verifyCode', { threadId, destination: '+12145550100' }],
  ];
  it.each(cases)('%s %j -> BAD_REQUEST', async (proc, input) => {
    const r = await h.http('anonymous', `identity.${proc}`, input, { method: 'POST' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_REQUEST');
  });

  it('malformed JSON and GET are refused without a 500', async () => {
    const r = await h.http('anonymous', 'identity.requestCode', undefined, { method: 'POST', rawInput: '{"json":' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    const g = await h.http('anonymous', 'identity.requestCode', { threadId, destination: '+12145550100' }, { method: 'GET' });
    expect(g.status).toBeGreaterThanOrEqual(400);
    expect(g.status).toBeLessThan(500);
  });
});
