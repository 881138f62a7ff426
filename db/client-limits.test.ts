import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDb, type Db } from './client';
import { createScratchDatabase, type ScratchDatabase } from './testing/database';

/**
 * db/client.ts's time limits on a lone query: `begin; set local ...` / query / `commit` by default,
 * one round trip when the database's (or role's) defaults already are exactly those limits; the
 * limits hold either way.
 */
let scratch: ScratchDatabase;
const opened: Db[] = [];
const LIMITS = { statementTimeoutMs: 300, lockTimeoutMs: 200 };

beforeAll(async () => {
  scratch = await createScratchDatabase('client_limits');
  await sql`create table probe (id int primary key)`.execute(scratch.db);
  await sql`insert into probe values (1)`.execute(scratch.db);
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await Promise.all(opened.map((db) => db.destroy()));
  await scratch?.drop();
});

function open(): Db {
  const db = createDb(scratch.url, { ...LIMITS, max: 2 });
  opened.push(db);
  return db;
}

/** The statements a lone query sends to the server, once the connection is open and checked. */
async function statementsOfALoneQuery(db: Db): Promise<string[]> {
  await sql`select 1`.execute(db);
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  await sql`select 2 as two`.execute(db);
  const sent = spy.mock.calls.map((c) => String(typeof c[0] === 'string' ? c[0] : (c[0] as { text: string }).text));
  spy.mockRestore();
  return sent;
}

async function limitsHold(db: Db): Promise<void> {
  await expect(sql`select pg_sleep(1)`.execute(db)).rejects.toMatchObject({ code: '57014' });
  // A row lock held by another session: the lone UPDATE gives up after lock_timeout, not statement_timeout.
  const holder = new pg.Client({ connectionString: scratch.url });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query('select * from probe for update');
    const started = Date.now();
    await expect(sql`update probe set id = 1 where id = 1`.execute(db)).rejects.toMatchObject({ code: '55P03' });
    expect(Date.now() - started).toBeLessThan(LIMITS.statementTimeoutMs + 250);
  } finally {
    await holder.query('rollback');
    await holder.end();
  }
}

describe('db/client.ts limits on a lone query', () => {
  it('without server defaults: begin; set local ... / the query / commit, and the limits hold', async () => {
    const db = open();
    expect(await statementsOfALoneQuery(db)).toEqual([
      'begin; set local statement_timeout = 300; set local lock_timeout = 200',
      'select 2 as two',
      'commit',
    ]);
    await limitsHold(db);
  });

  it('defaults that differ from the limits (here: looser) do not count: still wrapped', async () => {
    await sql.raw(`alter database ${scratch.name} set statement_timeout = 400`).execute(scratch.db);
    await sql.raw(`alter database ${scratch.name} set lock_timeout = 200`).execute(scratch.db);
    const db = open();
    expect(await statementsOfALoneQuery(db)).toHaveLength(3);
    await limitsHold(db);
  });

  it('database defaults equal to the limits: one round trip, and the limits still hold', async () => {
    await sql.raw(`alter database ${scratch.name} set statement_timeout = 300`).execute(scratch.db);
    await sql.raw(`alter database ${scratch.name} set lock_timeout = 200`).execute(scratch.db);
    const db = open();
    expect(await statementsOfALoneQuery(db)).toEqual(['select 2 as two']);
    await limitsHold(db);
    // A Kysely transaction still sets them itself (they are equal anyway).
    const inside = await db
      .transaction()
      .execute(async (trx) => (await sql<{ st: string }>`select current_setting('statement_timeout') as st`.execute(trx)).rows[0]!.st);
    expect(inside).toBe('300ms');
  });

  it("onConnect runs on each new connection before its first query: the bench lifts the database's limits", async () => {
    await sql.raw(`alter database ${scratch.name} set statement_timeout = 300`).execute(scratch.db);
    const db = createDb(scratch.url, { max: 2, onConnect: (client) => client.query('SET statement_timeout = 0; SET lock_timeout = 0') });
    opened.push(db);
    // Two at once: two new connections, each lifted before it runs anything.
    const [a, b] = await Promise.all([
      sql<{ st: string }>`select current_setting('statement_timeout') as st from pg_sleep(0.4)`.execute(db),
      sql<{ lt: string }>`select current_setting('lock_timeout') as lt`.execute(db),
    ]);
    expect(a.rows[0]!.st).toBe('0');
    expect(b.rows[0]!.lt).toBe('0');
    // Without it (and with no limits of its own), a pool on the same database is cancelled at 300 ms.
    const plain = createDb(scratch.url, { max: 1 });
    opened.push(plain);
    await expect(sql`select pg_sleep(0.4)`.execute(plain)).rejects.toThrow(/statement timeout/);
  });
});
