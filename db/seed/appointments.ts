import type { SeedContext } from './context';
import { CUSTOMER_HISTORY_DAYS } from './customers';
import { localTime, numArray, textArray, timeOrderedBase } from './sql-kit';
import { APPOINTMENT_NOTES, SERVICE_TYPES, TECHNICIANS } from './vocabulary';

/** Days of appointments: the 365 days up to the anchor's day, and 60 ahead. */
const PAST_DAYS = 365;
const FUTURE_DAYS = 60;
const DAYS = PAST_DAYS + FUTURE_DAYS;

/**
 * A calendar of days with weights (weekdays, a summer peak, growth over the year, bookings thinning
 * out into the future), the row count allocated to each day by cumulative rounding (so the total is
 * exact), then per day its appointments in half-hour slots 07:00-17:30. Rows come out of the plan
 * in date order (calendar days in order, slots in order), so ids and the heap follow dates as they
 * do when bookings are entered day by day, without a sort.
 */
export function calendarSql(ctx: SeedContext, days: number, total: number, weight: string): string {
  return `
    WITH days AS (
      SELECT d, ${ctx.clock.dayZeroSql} + d AS day, ${weight} AS w
      FROM generate_series(0, ${days - 1}) AS d
    ), cum AS (
      SELECT *, sum(w) OVER (ORDER BY d) AS cw FROM days
    ), calendar AS (
      SELECT d, day, floor(${total} * (lag(cw, 1, 0::float8) OVER (ORDER BY d) / max(cw) OVER ()))::int8 AS lo,
             floor(${total} * (cw / max(cw) OVER ()))::int8 AS hi
      FROM cum
    )`;
}

export async function seedAppointments(ctx: SeedContext): Promise<number> {
  const { rng, clock, counts } = ctx;
  const N = counts.appointments;
  const C = counts.customers;
  const anchor = clock.anchorSql;
  const n = 'n';
  const u = (stream: number) => rng.u(n, stream);
  const dow = `extract(isodow FROM ${clock.dayZeroSql} + d)::int`;
  const weight = `(CASE ${dow} WHEN 6 THEN 0.45 WHEN 7 THEN 0.12 ELSE 1 END)
      * (0.8 + 0.4 * d / ${DAYS}.0)
      * (1 + 0.22 * cos(2 * pi() * (extract(doy FROM ${clock.dayZeroSql} + d) - 200) / 365.25))
      * (CASE WHEN d < ${PAST_DAYS} THEN 1 ELSE exp(-(d - ${PAST_DAYS - 1}) / 22.0) END)
      * (0.85 + 0.3 * ${rng.u('d', 401)})`;
  const col = (i: number) => SERVICE_TYPES.map((s) => s[i] as number);
  const daysPerChunk = Math.max(1, Math.floor((DAYS * ctx.chunkRows) / N));
  let total = 0;
  for (let from = 0; from < DAYS; from += daysPerChunk) {
    const to = Math.min(DAYS, from + daysPerChunk) - 1;
    total += await ctx.run(
      `
      INSERT INTO appointments (id, customer_id, housecallpro_job_id, date, duration_minutes, status, service_type,
                                technician, amount_cents, notes, source_updated_at, created_at, updated_at)
      ${calendarSql(ctx, DAYS, N, weight)}
      SELECT n, customer_id, hcp, date, duration, status, service_type, technician,
             CASE status WHEN 'completed' THEN price WHEN 'cancelled' THEN NULL
                         WHEN 'no_show' THEN CASE WHEN ${u(410)} < 0.5 THEN 4900 END
                         ELSE CASE WHEN ${u(410)} < 0.55 THEN price END END,
             notes, CASE WHEN hcp IS NOT NULL THEN updated_at END, created_at, updated_at
      FROM (
        SELECT *,
               CASE status
                 WHEN 'completed' THEN least(date + duration * interval '1 minute', ${anchor})
                 WHEN 'no_show' THEN least(date + interval '30 minutes', ${anchor})
                 WHEN 'in_progress' THEN date
                 ELSE created_at + (least(date, ${anchor}) - created_at) * ${u(415)} END AS updated_at
        FROM (
          SELECT *,
                 CASE WHEN date > ${anchor}
                        THEN CASE WHEN ${u(407)} < CASE WHEN date < ${anchor} + interval '2 days' THEN 0.7 ELSE 0.25 END
                                  THEN 'confirmed' ELSE 'scheduled' END
                      WHEN date + duration * interval '1 minute' > ${anchor} THEN 'in_progress'
                      WHEN ${u(408)} < 0.86 THEN 'completed'
                      WHEN ${u(408)} < 0.95 THEN 'cancelled'
                      ELSE 'no_show' END AS status,
                 1 + floor(${u(406)} * greatest(1, floor(${C} * (1 - least(1, extract(epoch FROM ${anchor} - created_at)::float8 / 86400 / ${CUSTOMER_HISTORY_DAYS})))))::int8 AS customer_id
          FROM (
            SELECT n, date, svc,
                   (${numArray(col(1), 'int')})[svc] + 15 * floor(${u(404)} * (((${numArray(col(2), 'int')})[svc] - (${numArray(col(1), 'int')})[svc]) / 15 + 1))::int AS duration,
                   (${numArray(col(3), 'int8')})[svc] + 100 * floor(power(${u(409)}, 1.6) * ((${numArray(col(4), 'int8')})[svc] - (${numArray(col(3), 'int8')})[svc]) / 100)::int8 AS price,
                   (${textArray(SERVICE_TYPES.map((s) => s[0]))})[svc] AS service_type,
                   CASE WHEN date > ${anchor} AND ${u(411)} < 0.12 THEN NULL ELSE ${rng.pick(TECHNICIANS, n, 412)} END AS technician,
                   CASE WHEN ${u(413)} < 0.3 THEN ${rng.pick(APPOINTMENT_NOTES, n, 413)} END AS notes,
                   CASE WHEN ${u(414)} < 0.85
                        THEN 'job_' || to_hex(${timeOrderedBase(rng.seed)} + n) || left(${rng.md5('job', n)}, 24) END AS hcp,
                   CASE WHEN date - lead <= ${anchor} THEN date - lead ELSE ${anchor} - lead * ${u(405)} END AS created_at
            FROM (
              SELECT c.lo + k AS n, c.day,
                     ${localTime('c.day', '7 + 0.5 * floor((k - 0.5::float8) / (c.hi - c.lo) * 22)', clock.timeZone)} AS date,
                     ${rng.weighted(
                       SERVICE_TYPES.map((s) => s[5]),
                       'c.lo + k',
                       402,
                     )} AS svc,
                     (0.05 + 21 * power(${rng.u('c.lo + k', 403)}, 2)) * interval '1 day' AS lead
              FROM calendar c
              CROSS JOIN LATERAL generate_series(1, (c.hi - c.lo)::int) AS k
              WHERE c.d BETWEEN ${from} AND ${to}
              OFFSET 0
            ) base
            OFFSET 0
          ) shaped
          OFFSET 0
        ) dated
      ) done`,
      'appointments',
    );
    ctx.progress('appointments', total);
  }
  return total;
}
