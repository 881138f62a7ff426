import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '@/db/client';

/**
 * Separate database sessions for concurrency tests: each `open()` is its own connection (its own
 * transactions and locks); `closeAll()` ends them. `waitUntilBlocked(pid)` returns once that
 * backend waits on a lock, as seen from `observer`, so a test can order two transactions exactly.
 * Both are read when used (the scratch database of a test file exists only once beforeAll ran).
 */
export function testSessions(url: () => string, observer: () => Db) {
  const clients: pg.Client[] = [];
  return {
    async open(): Promise<pg.Client & { pid: number }> {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      clients.push(c);
      const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      return Object.assign(c, { pid });
    },
    async waitUntilBlocked(pid: number): Promise<void> {
      for (let i = 0; i < 200; i++) {
        const { rows } = await sql<{ w: string | null }>`SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = ${pid}`.execute(
          observer(),
        );
        if (rows[0]?.w === 'Lock') return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`backend ${pid} never waited on a lock`);
    },
    async closeAll(): Promise<void> {
      await Promise.all(clients.splice(0).map((c) => c.end()));
    },
  };
}
