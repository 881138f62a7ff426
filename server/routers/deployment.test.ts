import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@/db/client';
import { migrate } from '@/db/connect';
import { createScratchDatabase } from '@/db/testing/database';
import { seedDatabase } from '@/db/seed/index';
import { drain } from '../webhooks/worker';
import { createHarness, type Harness } from '../testing/harness';

/**
 * The app as deployed behind PgBouncer 1.18 in transaction mode (the harness's services go through
 * it): per-transaction limits, no session state left behind, the migrator's refusal, bulkheads and
 * 503s for a busy database.
 */
let h: Harness;
let customerId: number;
let threadId: string;

const LOCK_TIMEOUT_MS = 1_000;
const POOL_WAIT_MS = 1_000;

beforeAll(async () => {
  h = await createHarness('deploy', { limits: { lockTimeoutMs: LOCK_TIMEOUT_MS, poolWaitMs: POOL_WAIT_MS, bulkhead: 5 }, poolMax: 10 });
  await seedDatabase(h.db, { rows: 500, seed: 7 });
  const c = await sql<{ id: number }>`select customer_id as id from appointments group by 1 order by count(*) desc limit 1`.execute(h.db);
  customerId = c.rows[0]!.id;
  const t = await sql<{ id: string }>`select thread_id as id from shared_thread_messages group by 1 order by count(*) desc limit 1`.execute(
    h.db,
  );
  threadId = t.rows[0]!.id;
}, 120_000);

afterAll(async () => {
  await h?.drop();
});

/**
 * Settings some session set with a plain SET, on every server connection PgBouncer has for this
 * database. application_name is PgBouncer's own doing (it tracks it per client and sets it).
 */
async function sessionSettingsOnPooledBackends(url: string, pin = 20): Promise<string[]> {
  const clients = Array.from({ length: pin }, () => new pg.Client({ connectionString: url }));
  await Promise.all(clients.map((c) => c.connect()));
  try {
    // Each client holds a transaction, so PgBouncer must hand each a different server connection.
    await Promise.all(clients.map((c) => c.query('begin')));
    const found = await Promise.all(
      clients.map(async (c) =>
        (
          await c.query(`select name || '=' || setting as s from pg_settings where source = 'session' and name <> 'application_name'`)
        ).rows.map((r) => r.s as string),
      ),
    );
    return found.flat();
  } finally {
    await Promise.all(clients.map((c) => c.query('rollback').catch(() => {})));
    await Promise.all(clients.map((c) => c.end()));
  }
}

describe('behind PgBouncer (transaction mode)', () => {
  it('a direct pg client with a statement_timeout startup parameter is refused; the app connects', async () => {
    const old = new pg.Client({ connectionString: h.pooledUrl, statement_timeout: 1000 } as pg.ClientConfig);
    await expect(old.connect().then(() => old.query('select 1'))).rejects.toThrow(/unsupported startup parameter: statement_timeout/);
    await old.end().catch(() => {});
    const me = await h.http('staff', 'session.me');
    expect(me.status).toBe(200);
    expect(me.body.result.role).toBe('staff');
    expect(me.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('limits hold inside each transaction of the app pool, and leave no setting on the pooled backends', async () => {
    const { rows } = await sql<{ st: string; lt: string }>`
      select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt`.execute(h.services.db);
    expect(rows[0]).toEqual({ st: '10s', lt: '1s' });
    // Exercise sign-in and a few procedures through the pooler, then look at every backend.
    h.forgetCookie('admin');
    expect((await h.http('admin', 'bookings.byCustomer', { customerId })).status).toBe(200);
    expect((await h.http('admin', 'conversations.history', { threadId })).status).toBe(200);
    expect((await h.http('admin', 'database.tables')).status).toBeLessThan(500);
    expect(await sessionSettingsOnPooledBackends(h.pooledUrl)).toEqual([]);
  });

  it('the leak check catches a plain SET (so the test above can fail)', async () => {
    const c = new pg.Client({ connectionString: h.pooledUrl });
    await c.connect();
    await c.query(`set work_mem = '1234kB'`);
    await c.end();
    const found = await sessionSettingsOnPooledBackends(h.pooledUrl);
    expect(found).toContain('work_mem=1234');
    // Put the backends back as they were for the other tests.
    const all = Array.from({ length: 20 }, () => new pg.Client({ connectionString: h.pooledUrl }));
    await Promise.all(all.map((x) => x.connect()));
    await Promise.all(all.map((x) => x.query('begin')));
    await Promise.all(all.map((x) => x.query('reset all')));
    await Promise.all(all.map((x) => x.query('commit')));
    await Promise.all(all.map((x) => x.end()));
  });

  it('the webhook worker drains through the pooler', async () => {
    const worker = createDb(h.pooledUrl, { max: 2, statementTimeoutMs: 15_000, lockTimeoutMs: 5_000 });
    try {
      const round = await drain(worker, {});
      expect(round.failed).toBe(0);
    } finally {
      await worker.destroy();
    }
  });

  it('the migrator refuses the pooled URL, naming DIRECT_DATABASE_URL', async () => {
    const db = createDb(h.pooledUrl, { max: 2 });
    try {
      await expect(migrate({ db, mode: 'external' })).rejects.toThrow(/DIRECT_DATABASE_URL/);
    } finally {
      await db.destroy();
    }
  });

  it('two migrators at once on the direct URL apply each migration once', async () => {
    const fresh = await createScratchDatabase('deploy_mig');
    const a = createDb(fresh.url, { max: 2 });
    const b = createDb(fresh.url, { max: 2 });
    try {
      const [ra, rb] = await Promise.all([migrate({ db: a, mode: 'external' }), migrate({ db: b, mode: 'external' })]);
      const applied = [...(ra.results ?? []), ...(rb.results ?? [])].filter((r) => r.status === 'Success').map((r) => r.migrationName);
      expect(new Set(applied).size).toBe(applied.length);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(fresh.db);
      expect(applied.length).toBe(rows[0]!.n);
    } finally {
      await a.destroy();
      await b.destroy();
      await fresh.drop();
    }
  }, 120_000);
});

describe('bulkheads', () => {
  it('appointments locked ACCESS EXCLUSIVE + 12 bookings requests: history and session.me stay fast, bookings answer 503 in bound', async () => {
    await h.cookieFor('staff');
    const locker = new pg.Client({ connectionString: h.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table appointments in access exclusive mode');
    const released = new Promise<void>((resolve) =>
      setTimeout(
        () =>
          void locker
            .query('rollback')
            .then(() => locker.end())
            .then(resolve),
        6_000,
      ),
    );
    try {
      const t0 = performance.now();
      const bookings = Array.from({ length: 12 }, async () => {
        const s = performance.now();
        const r = await h.http('staff', 'bookings.byCustomer', { customerId });
        return { ...r, ms: performance.now() - s };
      });
      await new Promise((r) => setTimeout(r, 100));
      const fast: number[] = [];
      while (performance.now() - t0 < 3_000) {
        for (const [proc, input] of [
          ['session.me', undefined],
          ['conversations.history', { threadId }],
        ] as const) {
          const s = performance.now();
          const r = await h.http('staff', proc, input);
          fast.push(performance.now() - s);
          expect(r.status).toBe(200);
        }
      }
      const results = await Promise.all(bookings);
      for (const r of results) {
        expect(r.status).toBe(503);
        expect(r.headers.get('retry-after')).toBe('2');
        expect(r.body.error.message).toMatch(/busy for bookings\.byCustomer/);
        expect(r.ms).toBeLessThan(LOCK_TIMEOUT_MS + POOL_WAIT_MS + 1_000);
      }
      expect(results.some((r) => /locked/.test(r.body.error.message))).toBe(true);
      fast.sort((x, y) => x - y);
      const p95 = fast[Math.floor(fast.length * 0.95)]!;
      expect(p95).toBeLessThan(500);
    } finally {
      await released;
    }
    // And once the lock is gone, bookings answer again.
    expect((await h.http('staff', 'bookings.byCustomer', { customerId })).status).toBe(200);
  }, 30_000);

  it('with the pool exhausted by slow queries, a new request gets 503 within the pool wait', async () => {
    const small = await createHarness('deploy_pool', { limits: { poolWaitMs: 500 }, poolMax: 2 });
    try {
      await small.cookieFor('staff');
      const slow = [1, 2].map(() => sql`select pg_sleep(3)`.execute(small.services.db));
      await new Promise((r) => setTimeout(r, 200));
      const s = performance.now();
      const r = await small.http('staff', 'session.me');
      const ms = performance.now() - s;
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('2');
      expect(r.body.error.message).toMatch(/no database connection came free within 500 ms/);
      expect(ms).toBeLessThan(1_500);
      await Promise.all(slow);
    } finally {
      await small.drop();
    }
  }, 30_000);
});
