import { sql } from 'kysely';
import type { Db } from '@/db/client';
import type { BackendActionInput } from '@/lib/contract/database';
import { DEFAULT_GUARD, type Guard, guarded } from './db-health-guard';

// The Activity tab: the sessions of THIS database (pg_stat_activity), and cancel/terminate of one
// of them, audited in db_admin_actions. Other databases' sessions are never listed nor signalled,
// and neither is the backend serving the request.

export interface ActivitySession {
  pid: number;
  user: string | null;
  application: string;
  client: string | null;
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  /** Seconds since the current (or last) query started. */
  querySeconds: number | null;
  /** Seconds since the transaction began; null outside a transaction. */
  transactionSeconds: number | null;
  query: string;
  /** Ending it would cut one of the dashboard's own pool connections. */
  ownApplication: boolean;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actorEmail: string;
  action: 'cancel' | 'terminate';
  pid: number;
  application: string | null;
  query: string | null;
  succeeded: boolean;
  detail: string | null;
}

export async function readActivity(
  db: Db,
  guard: Guard = DEFAULT_GUARD,
): Promise<{ data: { sessions: ActivitySession[]; audit: AuditEntry[] }; problems: string[] }> {
  return guarded(
    db,
    async (trx) => {
      const { rows: sessions } = await sql<ActivitySession>`
        select pid, usename as "user", coalesce(nullif(application_name, ''), '(no name)') as application,
               client_addr::text as client, state, wait_event_type as "waitEventType", wait_event as "waitEvent",
               extract(epoch from now() - query_start)::float8 as "querySeconds",
               extract(epoch from now() - xact_start)::float8 as "transactionSeconds",
               left(query, 2000) as query,
               application_name = current_setting('application_name') as "ownApplication"
          from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
         order by state = 'idle', query_start nulls last`.execute(trx);
      const audit = await trx
        .selectFrom('db_admin_actions')
        .select([
          'id',
          'at',
          'actor_email as actorEmail',
          'action',
          'target_pid as pid',
          'target_application as application',
          'target_query as query',
          'succeeded',
          'detail',
        ])
        .orderBy('at', 'desc')
        .limit(20)
        .execute();
      return { data: { sessions, audit }, problems: [] };
    },
    guard,
  );
}

export type BackendActionResult =
  | { outcome: 'not-found' }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'done'; succeeded: boolean; detail: string | null; auditId: number };

/**
 * Cancels the running query of `pid` (pg_cancel_backend) or ends its session
 * (pg_terminate_backend), if it is a client session of this database other than our own, and
 * records who asked, when and what it was running, whether the signal succeeded or not.
 */
export async function signalBackend(db: Db, input: BackendActionInput, actor: { id: string; email: string }): Promise<BackendActionResult> {
  const target = (
    await sql<{ user: string | null; application: string; state: string | null; query: string; queryStart: Date | null; own: boolean }>`
      select usename as "user", application_name as application, state, left(query, 2000) as query, query_start as "queryStart",
             application_name = current_setting('application_name') as own
        from pg_stat_activity
       where pid = ${input.pid} and datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`.execute(
      db,
    )
  ).rows[0];
  if (!target) return { outcome: 'not-found' };
  // The dashboard's own pool: terminating one of its connections fails whatever request it serves.
  if (input.action === 'terminate' && target.own) {
    return {
      outcome: 'refused',
      reason: `pid ${input.pid} is one of this dashboard's own connections (${target.application}); cancel its query instead.`,
    };
  }
  let succeeded = false;
  let detail: string | null = null;
  try {
    const fn = input.action === 'cancel' ? sql`pg_cancel_backend` : sql`pg_terminate_backend`;
    succeeded = (await sql<{ ok: boolean }>`select ${fn}(${input.pid}) as ok`.execute(db)).rows[0]!.ok;
    if (!succeeded) detail = 'PostgreSQL did not signal the session (it may have ended already).';
  } catch (err) {
    detail = err instanceof Error ? err.message : String(err);
  }
  const { id } = await db
    .insertInto('db_admin_actions')
    .values({
      actor_id: actor.id,
      actor_email: actor.email,
      action: input.action,
      target_pid: input.pid,
      target_user: target.user,
      target_application: target.application,
      target_state: target.state,
      target_query: target.query,
      target_query_start: target.queryStart,
      succeeded,
      detail,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { outcome: 'done', succeeded, detail, auditId: id };
}
