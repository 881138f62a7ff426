import type { SeedContext } from './context';
import { customerNameSql, customerPhoneSql, CUSTOMER_HISTORY_DAYS, phoneSql, visitorNameSql } from './customers';
import { key2, num, textArray } from './sql-kit';
import {
  ASSISTANT_REPLIES,
  CUSTOMER_OPENERS,
  CUSTOMER_REQUESTS,
  STAFF_NAMES,
  STAFF_REPLIES,
  SYSTEM_MESSAGES,
  VOICE_SUMMARIES,
  VOICE_TRANSCRIPT_PARTS,
} from './vocabulary';

// Threads first, then their messages, both from a plan (a temp table, one row per thread): its
// size, its sessions (bursts of messages), its channels and its place in time. A message is a pure
// function of (plan row, k), so a thread's last message (count, time, preview) is computed by the
// same SQL that writes the messages: they agree by construction.

const PLAN = 'seed_thread_plan';
/** Business-axis distance between two messages of one session (30 s at 14:00, 3 min at the day's edges). */
const MESSAGE_STEP = 0.002;
/** Orders in which a thread takes up its channels; its first is the thread's primary channel. */
const CHANNEL_ORDERS = ['web,sms,voice', 'web,voice,sms', 'sms,web,voice', 'sms,voice,web', 'voice,sms,web', 'voice,web,sms'];
const RECORDINGS = 'https://api.twilio.com/2010-04-01/Accounts/AC5e0c6b3f2d9a4c8e7f1b2a3d4c5e6f70/Recordings/RE';

export async function planThreads(ctx: SeedContext): Promise<void> {
  const { rng, clock, counts } = ctx;
  const T = counts.shared_threads;
  const M = counts.shared_thread_messages;
  const C = counts.customers;
  const { count: W, minMessages, maxMessages } = counts.longThreads;
  if (M - W * maxMessages < T - W) throw new Error(`${M} messages cannot fill ${T} threads with ${W} long ones`);
  const years = clock.posEnd - clock.posStart;
  const u = (stream: number) => rng.u('t', stream);
  const linked = `(whale OR ${u(210)} < 0.78)`;
  await ctx.run(`DROP TABLE IF EXISTS ${PLAN}`);
  // Sizes: the long threads get 5,000+ messages; the rest share what is left by Pareto weights
  // (most threads short, a tail of long ones), allocated with cumulative rounding so that the sizes
  // add up to exactly M.
  await ctx.run(`
    CREATE TEMP TABLE ${PLAN} AS
    WITH base AS (
      SELECT t, t <= ${W} AS whale,
             CASE WHEN t <= ${W} THEN ${rng.int('t', 201, minMessages, maxMessages)} ELSE 0 END AS fixed,
             CASE WHEN t <= ${W} THEN 0::float8 ELSE least(400, power(1 - ${u(202)}, -1 / 1.15)) END AS w
      FROM generate_series(1, ${T}) AS t
    ), cum AS (
      SELECT *, sum(w) OVER (ORDER BY t) AS cw, sum(fixed) OVER () AS fixed_total FROM base
    ), alloc AS (
      SELECT *, max(cw) OVER () AS tw, lag(cw, 1, 0::float8) OVER (ORDER BY t) AS pw FROM cum
    ), sized AS (
      SELECT t, whale,
             CASE WHEN whale THEN fixed
                  ELSE 1 + (floor((${M} - fixed_total - ${T - W}) * cw / tw) - floor((${M} - fixed_total - ${T - W}) * pw / tw))::int END AS size
      FROM alloc
    ), shaped AS (
      SELECT t, whale, size, l, (size + l - 1) / l AS nsess, primary_chan,
             CASE WHEN (size + l - 1) / l >= 3 AND ${u(206)} < 0.08 THEN 3
                  WHEN (size + l - 1) / l >= 2 AND ${u(206)} < 0.3 THEN 2 ELSE 1 END AS nchan
      FROM (
        SELECT *, CASE WHEN whale THEN ${rng.int('t', 203, 6, 10)} ELSE ${rng.int('t', 204, 2, 8)} END AS l,
                  CASE WHEN whale THEN CASE WHEN ${u(205)} < 0.6 THEN 2 ELSE 1 END ELSE ${rng.weighted([55, 30, 15], 't', 205)} END AS primary_chan
        FROM sized OFFSET 0
      ) x
    ), timed AS (
      SELECT *, span / nsess AS gap,
             ${num(clock.posStart)} + (${num(years)} - span) * power(${u(209)}, 0.625) AS p0
      FROM (
        SELECT *, (string_to_array((${textArray(CHANNEL_ORDERS)})[(primary_chan - 1) * 2 + CASE WHEN ${u(207)} < 0.5 THEN 1 ELSE 2 END], ','))[1:nchan] AS chan_order,
               greatest(2 * nsess * l * ${MESSAGE_STEP},
                        CASE WHEN whale THEN ${num(years)} * (0.85 + 0.12 * ${u(208)})
                             WHEN nsess = 1 THEN 0
                             ELSE least(${num(years)} * 0.95, nsess * (0.2 + 14 * power(${u(208)}, 2))) END) AS span
        FROM shaped OFFSET 0
      ) y
    ), linked AS (
      SELECT *, CASE WHEN ${linked}
                     THEN 1 + floor(${u(211)} * greatest(1, floor(${C} * (1 - least(1, (${num(clock.posEnd)} - p0) / 5.75 * 7 / ${CUSTOMER_HISTORY_DAYS})))))::int8
                END AS customer_id
      FROM timed OFFSET 0
    )
    SELECT t, ${rng.uuid('thread', 't')} AS id, whale, size, l, nsess, nchan, chan_order, p0, gap, span, customer_id,
           CASE WHEN customer_id IS NOT NULL
                THEN CASE WHEN primary_chan <> 1 OR ${u(212)} < 0.3 THEN ${customerPhoneSql(rng, 'customer_id')} END
                WHEN primary_chan <> 1 THEN ${phoneSql(rng, 't', 213, 1664521)} END AS contact_phone,
           CASE WHEN customer_id IS NOT NULL THEN ${customerNameSql(rng, 'customer_id')}
                WHEN ${u(214)} < 0.35 THEN ${visitorNameSql(rng, 't')} END AS contact_name
    FROM linked`);
  await ctx.run(`ANALYZE ${PLAN}`);
}

/**
 * The messages k = kFrom..kTo of the plan's threads (both SQL expressions over plan row p), with
 * their business-axis position `pos`. Session j = (k-1)/l of a thread lies in
 * [p0 + j gap, p0 + (j+1) gap), and positions grow with k, so a window of positions maps to a
 * window of sessions.
 */
function messageRows(ctx: SeedContext, planWhere: string, kFrom: string, kTo: string): string {
  const { rng, clock } = ctx;
  const tj = key2('t', 'j');
  const tk = key2('t', 'k');
  const opener = rng.pick(CUSTOMER_OPENERS, tk, 310);
  const request = rng.pick(CUSTOMER_REQUESTS, tk, 311);
  const voiceSummary = rng.pick(VOICE_SUMMARIES, tk, 312);
  const part = (stream: number) => rng.pick(VOICE_TRANSCRIPT_PARTS, tk, stream);
  return `
    SELECT t, k, pos, id AS thread_id, channel, author_type,
           CASE WHEN author_type = 'customer' THEN 'inbound' ELSE 'outbound' END AS direction,
           CASE author_type WHEN 'customer' THEN contact_name WHEN 'assistant' THEN 'Assistant'
                WHEN 'staff' THEN ${rng.pick(STAFF_NAMES, key2('t', 'j / 20'), 313)} END AS author_name,
           CASE author_type
             WHEN 'system' THEN ${rng.pick(SYSTEM_MESSAGES, tk, 314)}
             WHEN 'assistant' THEN ${rng.pick(ASSISTANT_REPLIES, tk, 315)}
             WHEN 'staff' THEN CASE WHEN channel = 'voice' THEN 'Outbound call: ' || ${voiceSummary} ELSE ${rng.pick(STAFF_REPLIES, tk, 316)} END
             ELSE CASE WHEN channel = 'voice' THEN CASE WHEN ${rng.u(tk, 317)} < 0.3 THEN 'Voicemail: ' ELSE 'Call: ' END || ${voiceSummary}
                       WHEN ${rng.u(tk, 318)} < 0.3 THEN upper(left(${request}, 1)) || substr(${request}, 2)
                       ELSE ${opener} || ' ' || ${request} END
           END AS body,
           CASE WHEN is_voice THEN 15 + floor(power(${rng.u(tk, 319)}, 2) * 780)::int END AS voice_duration_seconds,
           CASE WHEN is_voice THEN ${part(320)} || ' ' || ${part(321)} || ' ' || ${part(322)} END AS voice_transcript,
           CASE WHEN is_voice AND ${rng.u(tk, 323)} < 0.9 THEN '${RECORDINGS}' || ${rng.md5('rec', tk)} END AS voice_recording_url,
           ${clock.bizTime('pos')} AS created_at
    FROM (
      SELECT *, channel = 'voice' AND author_type <> 'system' AS is_voice
      FROM (
        SELECT *,
               CASE WHEN NOT outbound THEN 'customer'
                    WHEN ${rng.u(tk, 305)} < 0.04 THEN 'system'
                    WHEN channel = 'web' THEN CASE WHEN ${rng.u(tk, 306)} < 0.8 THEN 'assistant' ELSE 'staff' END
                    WHEN channel = 'sms' THEN CASE WHEN ${rng.u(tk, 306)} < 0.35 THEN 'assistant' ELSE 'staff' END
                    ELSE 'staff' END AS author_type
        FROM (
          SELECT t, id, contact_name, k, j,
                 p0 + j * gap + CASE WHEN j > 0 THEN ${rng.u(tj, 301)} * 0.5 * gap ELSE 0 END + m * ${MESSAGE_STEP}::float8 AS pos,
                 CASE WHEN j < nchan THEN chan_order[j + 1]
                      WHEN ${rng.u(tj, 302)} < 0.6 THEN chan_order[1]
                      ELSE chan_order[1 + floor(${rng.u(tj, 303)} * nchan)::int] END AS channel,
                 (m + CASE WHEN j > 0 AND ${rng.u(tj, 304)} < 0.15 THEN 1 ELSE 0 END) % 2 = 1 AS outbound
          FROM (
            SELECT *, (k - 1) / l AS j, (k - 1) % l AS m
            FROM (
              -- A set-returning function in the select list (ProjectSet) costs far less per thread
              -- than a LATERAL generate_series (a Function Scan rescanned for every thread).
              SELECT p.t, p.id, p.contact_name, p.l, p.nchan, p.chan_order, p.p0, p.gap, generate_series(${kFrom}, ${kTo}) AS k
              FROM ${PLAN} p
              WHERE ${planWhere}
            ) g
          ) s
          OFFSET 0
        ) a
        OFFSET 0
      ) b
      OFFSET 0
    ) c`;
}

export async function seedThreads(ctx: SeedContext): Promise<number> {
  const { rng, clock } = ctx;
  // A thread's stats are those of its message k = size, computed by the messages' own SQL.
  const rows = await ctx.run(
    `
    INSERT INTO shared_threads (id, customer_id, channels, contact_phone, contact_name, status, message_count,
                                last_message_at, last_message_preview, last_direction, linked_at, created_at)
    SELECT p.id, p.customer_id,
           ARRAY(SELECT c FROM unnest(ARRAY['web', 'sms', 'voice']) AS c WHERE c = ANY (p.chan_order)),
           p.contact_phone, p.contact_name,
           CASE WHEN lm.created_at > ${clock.anchorSql} - interval '14 days' OR ${rng.u('p.t', 220)} < 0.04 THEN 'open' ELSE 'closed' END,
           p.size, lm.created_at, left(lm.body, 160), lm.direction,
           CASE WHEN p.customer_id IS NOT NULL THEN least(lm.created_at, fm.at + interval '1 minute' * (1 + 6 * ${rng.u('p.t', 221)})) END,
           fm.at
    FROM ${PLAN} p
    JOIN (${messageRows(ctx, 'true', 'p.size', 'p.size')}) lm ON lm.t = p.t
    CROSS JOIN LATERAL (SELECT ${clock.bizTime('p.p0')} AS at) fm
    ORDER BY p.p0, p.t`,
    'shared_threads',
  );
  ctx.progress('shared_threads', rows);
  return rows;
}

export async function seedMessages(ctx: SeedContext): Promise<number> {
  const { clock, counts } = ctx;
  const chunks = Math.max(1, Math.ceil(counts.shared_thread_messages / ctx.chunkRows));
  const width = (clock.posEnd - clock.posStart) / chunks;
  let total = 0;
  for (let c = 0; c < chunks; c++) {
    // Windows of the business axis, oldest first; ids follow time across windows.
    const from = c === 0 ? clock.posStart - 1 : clock.posStart + c * width;
    const to = c === chunks - 1 ? clock.posEnd + 1 : clock.posStart + (c + 1) * width;
    const [a, b] = [num(from), num(to)];
    const jFrom = `greatest(0, least(p.nsess - 1, floor((${a} - p.p0) / p.gap) - 1))::int`;
    const jTo = `least(p.nsess - 1, floor((${b} - p.p0) / p.gap) + 1)::int`;
    total += await ctx.run(
      `
      INSERT INTO shared_thread_messages (id, thread_id, channel, direction, author_type, author_name, body,
                                          voice_duration_seconds, voice_transcript, voice_recording_url, created_at)
      SELECT ${total} + row_number() OVER (ORDER BY pos, t, k), thread_id, channel, direction, author_type, author_name, body,
             voice_duration_seconds, voice_transcript, voice_recording_url, created_at
      FROM (${messageRows(ctx, `p.p0 < ${b} AND p.p0 + p.span >= ${a}`, `${jFrom} * p.l + 1`, `least(p.size, (${jTo} + 1) * p.l)`)}) m
      WHERE pos >= ${a} AND pos < ${b}
      ORDER BY pos, t, k`,
      'shared_thread_messages',
    );
    ctx.progress('shared_thread_messages', total);
  }
  await ctx.run(`DROP TABLE IF EXISTS ${PLAN}`);
  return total;
}
