import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '@/db/seed/index';
import { createHarness, type Harness } from '../testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await createHarness('database_router');
  await seedDatabase(h.db, { rows: 2_000, seed: 1 });
});
afterAll(() => h?.drop());

const QUERIES = [
  'database.indexes',
  'database.tables',
  'database.queryPlans',
  'database.slowQueries',
  'database.rollupConsistency',
  'database.threadSummaries',
] as const;

describe('access', () => {
  it('without a session every procedure is UNAUTHORIZED; for staff FORBIDDEN (caller and HTTP)', async () => {
    const anon = await h.callerAs('anonymous');
    const staff = await h.callerAs('staff');
    for (const caller of [anon, staff]) {
      const code = caller === anon ? 'UNAUTHORIZED' : 'FORBIDDEN';
      await expect(caller.database.indexes()).rejects.toMatchObject({ code });
      await expect(caller.database.tables()).rejects.toMatchObject({ code });
      await expect(caller.database.queryPlans()).rejects.toMatchObject({ code });
      await expect(caller.database.slowQueries()).rejects.toMatchObject({ code });
      await expect(caller.database.rollupConsistency()).rejects.toMatchObject({ code });
      await expect(caller.database.threadSummaries()).rejects.toMatchObject({ code });
      await expect(caller.database.indexSuggestions()).rejects.toMatchObject({ code });
      await expect(caller.database.explainAnalyze({ id: 'conversations.history' })).rejects.toMatchObject({ code });
    }
    for (const proc of [...QUERIES, 'database.indexSuggestions']) {
      expect((await h.http('anonymous', proc)).status, proc).toBe(401);
      const res = await h.http('staff', proc);
      expect(res.status, proc).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const res = await h.http('staff', 'database.explainAnalyze', { id: 'conversations.history' }, { method: 'POST' });
    expect(res.status).toBe(403);
  });
});

describe('as admin', () => {
  it('every section answers, with the redundant index and the plans of the registered queries', async () => {
    const admin = await h.callerAs('admin');
    const indexes = await admin.database.indexes();
    if (!indexes.ok) throw new Error(indexes.problems.join('; '));
    const redundant = indexes.data.indexes.find((i) => i.name === 'shared_thread_messages_thread_id_idx')!;
    expect(redundant.findings.map((f) => f.kind)).toContain('redundant');

    const tables = await admin.database.tables();
    // reltuples is an estimate: VACUUM (autovacuum may run meanwhile) can land one row off.
    if (!tables.ok) throw new Error(tables.problems.join('; '));
    expect(tables.data.tables.find((t) => t.name === 'appointments')!.estimatedRows).toBeGreaterThan(1_950);

    const plans = await admin.database.queryPlans();
    if (!plans.ok) throw new Error(plans.problems.join('; '));
    // At 2,000 rows the largest thread is a big share of the messages, and the newest-first index of
    // message search may serve it instead of the thread index: an index either way, never a Seq Scan.
    const historyPlan = plans.data.find((p) => p.id === 'conversations.history')!.plan!;
    expect(historyPlan.seqScans).toEqual([]);
    expect(historyPlan.indexes.filter((i) => i.startsWith('shared_thread_messages_'))).not.toEqual([]);

    const slow = await admin.database.slowQueries();
    expect(slow.ok).toBe(true);

    const rollup = await admin.database.rollupConsistency();
    if (!rollup.ok || !rollup.data.checked) throw new Error(JSON.stringify(rollup));
    expect(rollup.data.days).toBe(90);
    expect(rollup.data.result.consistent).toBe(true);

    const threads = await admin.database.threadSummaries();
    if (!threads.ok || !threads.data.checked) throw new Error(JSON.stringify(threads));
    expect(threads.data.threads).toBeGreaterThan(0);
    expect(threads.data.mismatches).toEqual([]);

    // Verified on the direct session, HypoPG being installed here: nothing for the indexed queries.
    const suggestions = await admin.database.indexSuggestions();
    if (!suggestions.ok || !suggestions.data.available) throw new Error(JSON.stringify(suggestions));
    const app = suggestions.data.reports.filter((r) => r.source === 'app');
    expect(app.map((r) => r.key)).toContain('conversations.history');
    for (const r of app) expect(r.status, `${r.key}: ${r.detail}`).toMatch(/^(indexed|no-gain)$/);

    const analyze = await admin.database.explainAnalyze({ id: 'conversations.history' });
    expect(analyze.problem).toBeNull();
    expect(analyze.result!.executionMs).toBeGreaterThan(0);
  });

  it('explainAnalyze accepts only a registered query id: anything else is BAD_REQUEST, never SQL', async () => {
    for (const input of [
      { id: "conversations.history'; DROP TABLE customers; --" },
      { id: 'SELECT 1' },
      {},
      { id: 'conversations.history', sql: 'SELECT 1' },
    ]) {
      const res = await h.http('admin', 'database.explainAnalyze', input, { method: 'POST' });
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
  });

  it('while another session holds ACCESS EXCLUSIVE on a table, all procedures answer over HTTP within 2 s and say what they skipped', async () => {
    const locker = new pg.Client({ connectionString: h.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE shared_thread_messages IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      const [indexes, tables, plans, slow, rollup, threads, analyze] = await Promise.all([
        ...QUERIES.map((p) => h.http('admin', p)),
        h.http('admin', 'database.explainAnalyze', { id: 'conversations.history' }, { method: 'POST' }),
      ]);
      expect(performance.now() - started).toBeLessThan(2_000);
      for (const res of [indexes, tables, plans, slow, rollup, threads, analyze]) expect(res!.status).toBe(200);
      // The index suggestions plan every query twice: timed on their own, after the others.
      const suggestStarted = performance.now();
      const suggestions = await h.http('admin', 'database.indexSuggestions');
      expect(performance.now() - suggestStarted).toBeLessThan(2_000);
      expect(suggestions.status).toBe(200);
      const tried = suggestions.body.result.data.reports.find((r: { key: string }) => r.key === 'conversations.history');
      expect(tried).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/^Not tried: shared_thread_messages is locked/) });
      expect(rollup!.body.result.ok).toBe(true);
      expect(threads!.body.result).toMatchObject({ ok: true, data: { checked: false } });
      expect(threads!.body.result.data.reason).toMatch(/Not checked: .*shared_thread_messages/);
      expect(indexes!.body.result.problems.join(' ')).toMatch(
        /skipped for shared_thread_messages: shared_thread_messages is locked ACCESS EXCLUSIVE/,
      );
      expect(tables!.body.result.problems.join(' ')).toMatch(/Exact sizes skipped for shared_thread_messages/);
      const history = plans!.body.result.data.find((p: { id: string }) => p.id === 'conversations.history');
      expect(history.status).toBe('skipped');
      expect(analyze!.body.result.problem).toMatch(/waited 500 ms for a lock/);
    } finally {
      await locker.query('ROLLBACK').catch(() => {});
      await locker.end();
    }
  });
});

describe('overview, activity and cancel/terminate', () => {
  it('staff get FORBIDDEN and anonymous UNAUTHORIZED for each, and nothing is signalled or audited', async () => {
    const sleeper = new pg.Client({ connectionString: h.url });
    await sleeper.connect();
    try {
      const pid = (await sleeper.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      for (const [role, code] of [
        ['anonymous', 'UNAUTHORIZED'],
        ['staff', 'FORBIDDEN'],
      ] as const) {
        const caller = await h.callerAs(role);
        await expect(caller.database.overview()).rejects.toMatchObject({ code });
        await expect(caller.database.activity()).rejects.toMatchObject({ code });
        await expect(caller.database.signalBackend({ pid, action: 'terminate' })).rejects.toMatchObject({ code });
      }
      expect((await sleeper.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      expect(await h.db.selectFrom('db_admin_actions').select('id').execute()).toEqual([]);
    } finally {
      await sleeper.end();
    }
  });

  it('admin: the overview has a verdict; a wrong pid is NOT_FOUND; malformed input BAD_REQUEST with a readable message', async () => {
    const admin = await h.callerAs('admin');
    const overview = await admin.database.overview();
    if (!overview.ok) throw new Error(overview.problems.join('; '));
    expect(overview.data.verdict).toMatch(/^(Healthy|\d+ things? needs? attention)$/);
    expect(overview.data.checks.find((c) => c.id === 'redundant-indexes')!.status).toBe('warning');

    await expect(admin.database.signalBackend({ pid: 999_999, action: 'cancel' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const input of [
      { pid: -1, action: 'cancel' },
      { pid: 1.5, action: 'cancel' },
      { pid: 10, action: 'kill' },
      { pid: '10', action: 'cancel' },
    ]) {
      const res = await h.http('admin', 'database.signalBackend', input, { method: 'POST' });
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(res.body.error.message).toMatch(/pid must|action must|expected number/);
    }
  });

  it('admin: cancel stops a running pg_sleep of another session and is audited with who and what', async () => {
    const sleeper = new pg.Client({ connectionString: h.url, application_name: 'nightly-report' });
    await sleeper.connect();
    try {
      const pid = (await sleeper.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const running = sleeper.query('SELECT pg_sleep(30)').then(
        () => 'finished',
        (e: Error) => e.message,
      );
      const admin = await h.callerAs('admin');
      await expect
        .poll(async () => {
          const a = await admin.database.activity();
          return a.ok ? a.data.sessions.find((s) => s.pid === pid)?.waitEvent : undefined;
        })
        .toBe('PgSleep');
      expect(await admin.database.signalBackend({ pid, action: 'cancel' })).toMatchObject({ outcome: 'done', succeeded: true });
      expect(await running).toMatch(/canceling statement due to user request/);
      const activity = await admin.database.activity();
      if (!activity.ok) throw new Error(activity.problems.join('; '));
      expect(activity.data.audit[0]).toMatchObject({
        actorEmail: expect.stringContaining('admin'),
        action: 'cancel',
        pid,
        application: 'nightly-report',
        query: 'SELECT pg_sleep(30)',
      });
    } finally {
      await sleeper.end();
    }
  });
});

describe('history', () => {
  it('staff FORBIDDEN; admin reads it (empty until the first capture)', async () => {
    await expect((await h.callerAs('staff')).database.history()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const history = await (await h.callerAs('admin')).database.history();
    if (!history.ok) throw new Error(history.problems.join('; '));
    expect(history.data).toMatchObject({ capturedAt: null, slower: [], series: [], growth: [] });
  });
});
