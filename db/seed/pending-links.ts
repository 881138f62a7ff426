import { ranges, type SeedContext } from './context';
import { phoneSql } from './customers';
import { key2, lit, textArray } from './sql-kit';
import { FIRST_NAMES, emailSafe } from './vocabulary';

/**
 * OTP codes sent to verify who is writing in a thread. Codes are allocated over threads with
 * Pareto weights (most threads none or one, a few retry again and again: what the rate-limit
 * index exists for), sent near the thread's start or on a later visit, to the linked customer's
 * phone or e-mail, or to the number an anonymous visitor typed.
 */
export async function seedPendingLinks(ctx: SeedContext): Promise<number> {
  const { rng, clock, counts } = ctx;
  const N = counts.shared_thread_pending_links;
  const T = counts.shared_threads;
  const anchor = clock.anchorSql;
  const tj = key2('t', 'j');
  const u = (stream: number) => rng.u(tj, stream);
  const visitorEmail = `(${textArray(FIRST_NAMES.map(emailSafe))})[${rng.index(FIRST_NAMES.length, 't', 610)}] || (10 + floor(${rng.u('t', 611)} * 90))::int::text || '@' || (ARRAY['gmail.com', 'yahoo.com', 'icloud.com', 'outlook.com'])[${rng.index(4, 't', 612)}]`;
  let total = 0;
  for (const [from, to] of ranges(T, Math.max(1, Math.floor((T * ctx.chunkRows) / Math.max(1, N))))) {
    total += await ctx.run(
      `
      INSERT INTO shared_thread_pending_links (id, thread_id, destination_type, destination, code_hash, attempts,
                                               created_at, expires_at, verified_at, consumed_at)
      WITH th AS (
        SELECT row_number() OVER (ORDER BY id) AS t, id, customer_id, contact_phone, created_at, last_message_at
        FROM shared_threads
      ), weighted AS (
        SELECT *, sum(w) OVER (ORDER BY t) AS cw FROM (SELECT *, least(200, power(1 - ${rng.u('t', 601)}, -1 / 1.2)) AS w FROM th) x
      ), alloc AS (
        SELECT *, floor(${N} * cw / max(cw) OVER ())::int - floor(${N} * lag(cw, 1, 0::float8) OVER (ORDER BY t) / max(cw) OVER ())::int AS cnt
        FROM weighted
      )
      SELECT ${rng.uuid('link', tj)}, id, dest_type,
             CASE WHEN dest_type = 'phone' THEN coalesce(cust_phone, contact_phone, ${phoneSql(rng, 't', 613, 1103515245 + 2)})
                  ELSE coalesce(cust_email, ${visitorEmail}) END,
             encode(sha256(convert_to(${lit(`${rng.seed}:otp:`)} || t || ':' || j, 'UTF8')), 'hex'),
             CASE WHEN verified THEN 1 + CASE WHEN ${u(620)} < 0.15 THEN 1 ELSE 0 END
                  WHEN ${u(621)} < 0.55 THEN 0 ELSE 1 + floor(power(${u(622)}, 2) * 5)::int END,
             created_at, created_at + interval '10 minutes',
             CASE WHEN verified THEN verified_at END,
             CASE WHEN verified AND ${u(623)} < 0.97 THEN verified_at + (1 + 3 * ${u(624)}) * interval '1 second' END
      FROM (
        SELECT *, ${u(625)} < 0.68 AND verified_at <= ${anchor} AS verified
        FROM (
          SELECT *, created_at + (20 + 460 * ${u(626)}) * interval '1 second' AS verified_at,
                 CASE WHEN cust_id IS NULL THEN CASE WHEN ${u(627)} < 0.75 THEN 'phone' ELSE 'email' END
                      WHEN cust_phone IS NOT NULL AND (cust_email IS NULL OR ${u(627)} < 0.7) THEN 'phone'
                      WHEN cust_email IS NOT NULL THEN 'email' ELSE 'phone' END AS dest_type
          FROM (
            SELECT a.t, j, a.id, a.contact_phone, c.id AS cust_id, c.phone AS cust_phone, c.email AS cust_email,
                   least(${anchor} - interval '1 minute',
                         CASE WHEN ${rng.u(key2('a.t', 'j'), 602)} < 0.75 THEN a.created_at
                              ELSE a.created_at + (a.last_message_at - a.created_at) * ${rng.u(key2('a.t', 'j'), 603)} END
                         + (1 + 3 * j + 2 * ${rng.u(key2('a.t', 'j'), 604)}) * interval '1 minute') AS created_at
            FROM (SELECT *, generate_series(1, cnt) AS j FROM alloc WHERE t BETWEEN ${from} AND ${to}) a
            LEFT JOIN customers c ON c.id = a.customer_id
            OFFSET 0
          ) x
          OFFSET 0
        ) y
      ) z
      ORDER BY created_at, t, j`,
      'shared_thread_pending_links',
    );
    ctx.progress('shared_thread_pending_links', total);
  }
  return total;
}
