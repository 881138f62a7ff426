import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@/db/client';
import { runMigrations } from '@/db/migrator';
import { withDatabase } from '@/db/testing/database';
import { ensureReplicaPair, startCluster, stopCluster } from '@/db/testing/replica-pair';
import { DEMO_USERS, seedDemoUsers } from '@/db/seed/users';
import { createAuth } from '../auth';
import { handleTrpc } from '../http/trpc-handler';
import { createReplicaRouter } from '../runtime/replica';
import { checkReadiness } from '../runtime/readiness';
import type { Services } from '../services';
import { DEFAULT_LIMITS } from '../trpc';

/**
 * Against a real streaming replica (a throwaway primary + standby pair on their own ports): reads
 * marked onReplica run there, a user's read after their write goes to the primary, and a stopped
 * or lagging replica sends reads to the primary without an error. Also /api/ready's check with that
 * primary stopped (never the machine's main cluster).
 */
const PASSWORD = 'correct-horse-battery';
const MAX_LAG_MS = 1_000;
let admin: { primaryAdminUrl: string; replicaAdminUrl: string };
let name: string;
let primary: Db;
let replica: Db;
let services: Services;
let cookie: string;

async function adminQuery(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

async function call(procedure: string, input?: unknown, method: 'GET' | 'POST' = 'GET') {
  const url = new URL(`http://localhost/api/trpc/${procedure}`);
  const body = input === undefined ? undefined : JSON.stringify(superjson.serialize(input));
  if (method === 'GET' && body) url.searchParams.set('input', body);
  const req = new Request(url, {
    method,
    headers: { cookie, 'content-type': 'application/json' },
    body: method === 'POST' ? body : undefined,
  });
  const res = await handleTrpc(req, { services, log: false });
  const json: any = await res.json();
  return { status: res.status, data: json.result ? (superjson.deserialize(json.result.data) as any) : json.error };
}

/** Queries of the app (not the lag check) sent to the replica's pool. */
let replicaQueries = 0;
const replicaCommits = async () => replicaQueries;

async function waitForReplica(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the replica did not catch up');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  admin = ensureReplicaPair();
  name = `replica_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(admin.primaryAdminUrl, `CREATE DATABASE ${name}`);
  const direct = createDb(withDatabase(admin.primaryAdminUrl, name), { max: 2 });
  await runMigrations(direct);
  await seedDemoUsers(direct, PASSWORD);
  await direct.destroy();
  primary = createDb(withDatabase(admin.primaryAdminUrl, name), { ...DEFAULT_LIMITS, max: 5 });
  replica = createDb(withDatabase(admin.replicaAdminUrl, name), {
    ...DEFAULT_LIMITS,
    max: 5,
    log: (e) => {
      if (e.level === 'query' && /webhook_events/.test(e.query.sql)) replicaQueries++;
    },
  });
  const auth = createAuth(primary, {
    secret: 'test-secret-test-secret-test-secret-0123',
    baseURL: 'http://localhost:3000',
    requestsPerMinute: 1000,
  });
  services = {
    db: primary,
    auth,
    limits: DEFAULT_LIMITS,
    replica: createReplicaRouter({ primary, replica, maxLagMs: MAX_LAG_MS, checkEveryMs: 200 }),
  };
  const email = DEMO_USERS.find((u) => u.role === 'admin')!.email;
  const res = await auth.api.signInEmail({ body: { email, password: PASSWORD }, asResponse: true });
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  await waitForReplica(async () => {
    try {
      return (await sql<{ n: number }>`select count(*)::int as n from auth_session`.execute(replica)).rows[0]!.n > 0;
    } catch {
      return false;
    }
  });
}, 120_000);

afterAll(async () => {
  startCluster('replica');
  startCluster('primary');
  await adminQuery(admin.replicaAdminUrl, 'select pg_wal_replay_resume()').catch(() => {});
  await primary?.destroy();
  await replica?.destroy();
  await adminQuery(admin.primaryAdminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
});

describe('read replica', () => {
  it('a read procedure runs its queries on the replica', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const before = await replicaCommits();
    const res = await call('webhooks.list', {});
    expect(res.status).toBe(200);
    expect((await replicaCommits()) - before).toBeGreaterThanOrEqual(1);
    // And the replica's server saw them: its own statistics count scans of the table (flushed within ~10 s).
    await waitForReplica(async () => {
      const rows = await adminQuery(
        withDatabase(admin.replicaAdminUrl, name),
        `select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as n from pg_stat_user_tables where relname = 'webhook_events'`,
      );
      return Number(rows[0]?.n ?? 0) > 0;
    }, 15_000);
    const node = await call('database.replication');
    expect(node.data).toMatchObject({ configured: true, node: 'replica', maxLagMs: MAX_LAG_MS });
    expect(node.data.lagMs).toBeLessThanOrEqual(MAX_LAG_MS);
    expect(node.data.lagBytes).toBeGreaterThanOrEqual(0);
  });

  it('after a write, the same user reads it back (from the primary)', async () => {
    const { id } = await primary
      .insertInto('webhook_events')
      .values({ provider_event_id: `evt_${Date.now()}`, event_type: 'job.scheduled', payload: '{}', status: 'dead' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await waitForReplica(
      async () =>
        (await sql<{ n: number }>`select count(*)::int as n from webhook_events where id = ${id}`.execute(replica)).rows[0]!.n === 1,
    );
    // Freeze the replica: it keeps serving the old row.
    await adminQuery(admin.replicaAdminUrl, 'select pg_wal_replay_pause()');
    try {
      const replay = await call('webhooks.replay', { id }, 'POST');
      expect(replay.status).toBe(200);
      const list = await call('webhooks.list', {});
      expect(list.status).toBe(200);
      const row = list.data.events.find((e: { id: unknown }) => String(e.id) === String(id));
      expect(row.status).toBe('pending');
    } finally {
      await adminQuery(admin.replicaAdminUrl, 'select pg_wal_replay_resume()');
    }
  });

  it('a lagging replica (replay paused) is skipped, and the Database page shows the lag', async () => {
    await adminQuery(admin.replicaAdminUrl, 'select pg_wal_replay_pause()');
    try {
      const { id } = await primary
        .insertInto('webhook_events')
        .values({ provider_event_id: `lag_${Date.now()}`, event_type: 'job.scheduled', payload: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const before = await replicaCommits();
      await new Promise((r) => setTimeout(r, MAX_LAG_MS + 500));
      // The paused replica does not have this event: seeing it means the read went to the primary.
      const res = await call('webhooks.list', {});
      expect(res.status).toBe(200);
      expect(res.data.events.some((e: { id: unknown }) => String(e.id) === String(id))).toBe(true);
      expect(await replicaCommits()).toBe(before);
      const node = await call('database.replication');
      expect(node.data.node).toBe('primary');
      expect(node.data.lagMs).toBeGreaterThan(MAX_LAG_MS);
      // The event written after the pause is WAL the replica has not replayed.
      expect(node.data.lagBytes).toBeGreaterThan(0);
      expect(node.data.reason).toMatch(/behind/);
    } finally {
      await adminQuery(admin.replicaAdminUrl, 'select pg_wal_replay_resume()');
    }
    await new Promise((r) => setTimeout(r, 500));
    await waitForReplica(async () => (await call('database.replication')).data.node === 'replica');
  });

  it('replica stopped: reads succeed from the primary in the same request, and return when it is back', async () => {
    await call('webhooks.stats'); // the router has just seen the replica up
    stopCluster('replica');
    try {
      const res = await call('webhooks.stats');
      expect(res.status).toBe(200);
      expect((await call('database.replication')).data).toMatchObject({
        node: 'primary',
        lagMs: null,
        lagBytes: null,
        reason: /unreachable/,
      });
    } finally {
      startCluster('replica');
    }
    await waitForReplica(async () => (await call('database.replication')).data.node === 'replica');
  }, 60_000);

  it('/api/ready turns unready with the primary stopped and ready when it returns', async () => {
    // Its own pool: the app's pools stay off the primary while it is down.
    const probe = createDb(withDatabase(admin.primaryAdminUrl, name), { ...DEFAULT_LIMITS, max: 1 });
    try {
      expect(await checkReadiness(probe)).toMatchObject({ ready: true });
      await probe.destroy();
      const down = createDb(withDatabase(admin.primaryAdminUrl, name), { ...DEFAULT_LIMITS, max: 1 });
      stopCluster('primary');
      try {
        const started = performance.now();
        const r = await checkReadiness(down);
        expect(r.ready).toBe(false);
        expect(performance.now() - started).toBeLessThan(1_500);
      } finally {
        startCluster('primary');
      }
      await waitForReplica(async () => (await checkReadiness(down)).ready, 20_000);
      await down.destroy();
    } finally {
      await probe.destroy().catch(() => {});
    }
  }, 60_000);
});
