import { readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { isShuttingDown } from './lifecycle';

export interface Readiness {
  ready: boolean;
  /** Short words for the load balancer's log, never data: "ok", "primary unreachable", ... */
  reason: string;
}

/** Migration names shipped with this build (read from disk once; the files do not change at run time). */
let shipped: string[] | undefined;
function shippedMigrations(dir = path.join(process.cwd(), 'migrations')): string[] {
  shipped ??= readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f) && !f.endsWith('.down.sql'))
    .map((f) => f.replace(/\.sql$/, ''));
  return shipped;
}

// Once every shipped migration is applied it stays applied for this process's life: stop asking.
let migrationsApplied = false;

/**
 * Ready: not shutting down, the primary answers `select 1` within `timeoutMs`, and no migration
 * shipped with this build is pending (a rolling deploy routes traffic only after `npm run migrate`).
 */
export async function checkReadiness(db: Db, timeoutMs = 1_000): Promise<Readiness> {
  if (isShuttingDown()) return { ready: false, reason: 'shutting down' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
  });
  try {
    const probe = (async () => {
      await sql`select 1`.execute(db);
      if (migrationsApplied) return 'ok' as const;
      const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
      const applied = new Set(rows.map((r) => r.name));
      const pending = shippedMigrations().filter((m) => !applied.has(m)).length;
      if (pending) return `${pending} migration(s) pending` as const;
      migrationsApplied = true;
      return 'ok' as const;
    })();
    const outcome = await Promise.race([probe, timeout]);
    if (outcome === 'timeout') {
      probe.catch(() => {});
      return { ready: false, reason: `primary did not answer within ${timeoutMs} ms` };
    }
    return { ready: outcome === 'ok', reason: outcome };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ready: false, reason: code === '42P01' ? 'database not migrated' : 'primary unreachable' };
  } finally {
    clearTimeout(timer);
  }
}
