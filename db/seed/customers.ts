import { ranges, type SeedContext } from './context';
import { bijection32, type SqlRandom, textArray } from './sql-kit';
import { AREA_CODES, CITIES, EMAIL_DOMAINS, emailSafe, FIRST_NAMES, LAST_NAMES, STREETS } from './vocabulary';

// Customers are numbered 1..C in sign-up order over the last three years. Name and phone are pure
// functions of the number, so other tables (threads, appointments, webhooks) refer to a customer's
// name or phone without a join.

const FIRST_EMAIL = FIRST_NAMES.map(emailSafe);
const LAST_EMAIL = LAST_NAMES.map(emailSafe);
/** Customers sign up over this many days; ids are in sign-up order. */
export const CUSTOMER_HISTORY_DAYS = 1095;

function firstIndex(rng: SqlRandom, id: string) {
  return rng.index(FIRST_NAMES.length, id, 101, 1.15);
}
function lastIndex(rng: SqlRandom, id: string) {
  return rng.index(LAST_NAMES.length, id, 102, 1.35);
}

export function customerNameSql(rng: SqlRandom, id: string): string {
  const initial = `' ' || chr(65 + floor(${rng.u(id, 104)} * 26)::int) || '.'`;
  return `((${textArray(FIRST_NAMES)})[${firstIndex(rng, id)}] || CASE WHEN ${rng.u(id, 103)} < 0.07 THEN ${initial} ELSE '' END || ' ' || (${textArray(LAST_NAMES)})[${lastIndex(rng, id)}])`;
}

/**
 * E.164, +1 NANP. The seven digits after the area code are a bijection of the customer number
 * into [0, 8,000,000) (exchange 200-999, line 0000-9999), so phones are unique whatever the area code.
 */
export function customerPhoneSql(rng: SqlRandom, id: string): string {
  return `(CASE WHEN ${rng.u(id, 106)} < 0.07 THEN NULL ELSE ${phoneSql(rng, id, 105, 2654435761)} END)`;
}

/** A phone number for `key`; `multiplier` must be odd and not a multiple of 5. */
export function phoneSql(rng: SqlRandom, key: string, stream: number, multiplier: number): string {
  const r = `(((${key})::int8 * ${multiplier} + ${rng.seed % 8_000_000}) % 8000000)`;
  return `('+1' || ${rng.pickWeighted(AREA_CODES, key, stream)} || (200 + ${r} / 10000)::text || lpad((${r} % 10000)::text, 4, '0'))`;
}

/** Visitor-typed names on anonymous threads, drawn like customer names but from another stream. */
export function visitorNameSql(rng: SqlRandom, key: string): string {
  return `((${textArray(FIRST_NAMES)})[${rng.index(FIRST_NAMES.length, key, 120, 1.3)}] || CASE WHEN ${rng.u(key, 121)} < 0.5 THEN ' ' || (${textArray(LAST_NAMES)})[${rng.index(LAST_NAMES.length, key, 122, 1.7)}] ELSE '' END)`;
}

export async function seedCustomers(ctx: SeedContext): Promise<number> {
  const { rng, clock } = ctx;
  const C = ctx.counts.customers;
  const i = 'i';
  const first = `(${textArray(FIRST_EMAIL)})[${firstIndex(rng, i)}]`;
  const last = `(${textArray(LAST_EMAIL)})[${lastIndex(rng, i)}]`;
  const localPart = `(CASE ${rng.weighted([35, 15, 20, 8, 7, 15], i, 108)}
      WHEN 1 THEN ${first} || '.' || ${last} WHEN 2 THEN ${first} || ${last}
      WHEN 3 THEN left(${first}, 1) || ${last} WHEN 4 THEN ${first} || '_' || ${last}
      WHEN 5 THEN ${first} || left(${last}, 1) ELSE ${first} END)`;
  const created = `${clock.anchorSql} - ((${C} - i + 0.5 + 0.45 * ${rng.u(i, 113)}) / ${C}::float8) * interval '${CUSTOMER_HISTORY_DAYS} days'`;
  let total = 0;
  for (const [from, to] of ranges(C, ctx.chunkRows)) {
    // Unique e-mails: the first customer with a given address gets it plain (or with a two-digit
    // suffix), later ones get 1000 + a bijection of their number: no two can collide.
    total += await ctx.run(
      `
      INSERT INTO customers (id, name, phone, email, housecallpro_id, service_address, created_at, updated_at)
      SELECT i, name, phone,
             CASE WHEN no_email THEN NULL
                  WHEN rn = 1 AND NOT numbered THEN local_part || '@' || domain
                  WHEN rn = 1 THEN local_part || yy || '@' || domain
                  ELSE local_part || (1000 + (i::int8 * 7919) % 1000003)::text || '@' || domain END,
             hcp, address, created_at, created_at + (${clock.anchorSql} - created_at) * power(${rng.u(i, 114)}, 3)
      FROM (
        SELECT *, row_number() OVER (PARTITION BY local_part, domain ORDER BY i) AS rn
        FROM (
          SELECT i,
                 ${customerNameSql(rng, i)} AS name,
                 ${customerPhoneSql(rng, i)} AS phone,
                 ${rng.u(i, 107)} < 0.12 AS no_email,
                 ${rng.u(i, 109)} < 0.3 AS numbered,
                 lpad(floor(${rng.u(i, 111)} * 100)::int::text, 2, '0') AS yy,
                 ${localPart} AS local_part,
                 ${rng.pickWeighted(EMAIL_DOMAINS, i, 110)} AS domain,
                 CASE WHEN ${rng.u(i, 112)} < 0.7
                      THEN 'cus_' || lpad(to_hex(${bijection32(i, rng.seed)}), 8, '0') || left(${rng.md5('cus', i)}, 24) END AS hcp,
                 CASE WHEN ${rng.u(i, 119)} < 0.04 THEN NULL
                      ELSE (100 + floor(${rng.u(i, 115)} * 9800))::int || ' ' || ${rng.pick(STREETS, i, 116)} || ', '
                           || ${rng.pick(CITIES, i, 117)} || ', TX 75' || lpad(floor(${rng.u(i, 118)} * 1000)::int::text, 3, '0') END AS address,
                 ${created} AS created_at
          FROM generate_series(1, ${C}) AS i
        ) named
      ) numbered
      WHERE i BETWEEN ${from} AND ${to}
      ORDER BY i`,
      'customers',
    );
    ctx.progress('customers', total);
  }
  return total;
}
