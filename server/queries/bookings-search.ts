import { sql } from 'kysely';
import type { Db } from '@/db/client';
import { type CustomerSearchPlan, escapeLike, planCustomerSearch } from './bookings-search-plan';

// Customer typeahead: the SQL. The rules that choose it are in bookings-search-plan.ts.

export interface CustomerMatch {
  id: number;
  name: string;
  phone: string | null;
  email: string | null;
  /** Non-cancelled appointments from now on (same rule as the Upcoming tab). */
  upcomingCount: number;
}

/** Where the next page of a search starts: after this row in (rank, name, id) order. */
export interface CustomerSearchCursor {
  rank: number;
  sortName: string;
  id: number;
}

export interface SearchParams {
  q: string;
  limit: number;
  cursor?: CustomerSearchCursor | null;
  now?: Date;
}

export interface CustomerSearchResult {
  items: CustomerMatch[];
  /** Pass back as cursor for the next matches ("Show more"); null when there are no more. */
  nextCursor: CustomerSearchCursor | null;
  /**
   * For the person typing: why nothing was searched (too short, only punctuation), or that more
   * customers match than are ranked (keep typing). Null when the list is complete.
   */
  hint: string | null;
}

/**
 * At most this many fragment ("infix") matches are ranked per keystroke. A fragment like "son" or
 * "gmail" matches 10-40% of all customers; ranking every one of them cost 30-500 ms at 100k customers
 * (measured under load), and grows with the table. Capped, the work per keystroke is bounded (~2 ms)
 * whatever the table size. The sure matches (whole-name prefix, exact email or phone) come from
 * B-tree indexes and are never cut; only the order among more than this many fragment matches is
 * approximate, and the hint asks for another character.
 */
export const SEARCH_MATCH_CAP = 1000;

type SearchPlan = Exclude<CustomerSearchPlan, { kind: 'none' }>;
const nameC = sql<string>`lower(${sql.ref('customers.name')}) COLLATE "C"`;
const CUSTOMER_COLUMNS = ['customers.id', 'customers.name', 'customers.phone', 'customers.email'] as const;

/**
 * The two candidate sets of a search. `sure`: matches that must rank first, from a B-tree, ordered
 * and limited (whole-name prefix) or unique (exact email/phone). `sample`: fragment matches from the
 * trigram GIN indexes, at most SEARCH_MATCH_CAP + 1 (the +1 tells that the cap was reached).
 */
function candidates(db: Db, plan: SearchPlan, limit: number, after: CustomerSearchCursor | null) {
  const base = () => db.selectFrom('customers').select(CUSTOMER_COLUMNS);
  // A later page starts the ordered prefix range at the cursor's name (still one range scan).
  const namePrefix = (text: string) =>
    base()
      .where(nameC, 'like', `${escapeLike(text)}%`)
      .$if(!!after, (qb) =>
        qb
          .where(nameC, '>=', sql<string>`${after!.sortName} COLLATE "C"`)
          // Namesakes: past the cursor's id too, or a page of already-seen "John Smith"s could fill the limit.
          .where(sql<boolean>`(${nameC}, ${sql.ref('customers.id')}) > (${after!.sortName} COLLATE "C", ${after!.id})`),
      )
      .orderBy(nameC)
      .orderBy('customers.id')
      .limit(limit);
  const cap = SEARCH_MATCH_CAP + 1;
  switch (plan.kind) {
    case 'prefix':
      return { sure: namePrefix(plan.text), sample: null };
    case 'text': {
      const infix = `%${escapeLike(plan.text)}%`;
      return {
        sure: namePrefix(plan.text),
        sample: base()
          .where((eb) => eb.or([eb('customers.name', 'ilike', infix), eb('customers.email', 'ilike', infix)]))
          .limit(cap),
      };
    }
    case 'words': {
      // Each word begins a word of the name: " " || lower(name) LIKE "% word%". The trigram index
      // finds the names holding the longer words; the word-start test filters those rows.
      const spaced = sql<string>`' ' || lower(${sql.ref('customers.name')})`;
      return {
        sure: namePrefix(plan.text),
        sample: base()
          .where((eb) =>
            eb.and([
              ...plan.indexed.map((w) => eb('customers.name', 'ilike', `%${escapeLike(w)}%`)),
              ...plan.words.map((w) => eb(spaced, 'like', `% ${escapeLike(w)}%`)),
            ]),
          )
          .limit(cap),
      };
    }
    case 'email':
      return {
        sure: base().where('customers.email', '=', plan.text),
        sample: base()
          .where('customers.email', 'ilike', `%${escapeLike(plan.text)}%`)
          .limit(cap),
      };
    case 'phone':
      return {
        sure: base().where('customers.phone', 'in', plan.e164Prefixes),
        sample: base().where('customers.phone', 'like', `%${plan.digits}%`).limit(cap),
      };
  }
}

/**
 * 0 exact email/phone, 1 whole-name, email or phone prefix, 2 a word of the name starts with it,
 * 3 anywhere else. C-collated LIKE on lower(name) rather than ILIKE: the cheapest measured.
 */
function rankOf(plan: SearchPlan) {
  const name = sql`lower(${sql.ref('u.name')}) COLLATE "C"`;
  const email = sql.ref('u.email');
  const phone = sql.ref('u.phone');
  switch (plan.kind) {
    case 'prefix':
      return sql<number>`1`;
    case 'text': {
      const t = escapeLike(plan.text);
      return sql<number>`CASE WHEN ${email} = ${plan.text} THEN 0
        WHEN ${name} LIKE ${`${t}%`} OR ${email} LIKE ${`${t}%`} THEN 1
        WHEN ${name} LIKE ${`% ${t}%`} THEN 2 ELSE 3 END`;
    }
    case 'words':
      // Typed in the name's own order first, then any order.
      return sql<number>`CASE WHEN ${name} LIKE ${`${escapeLike(plan.text)}%`} THEN 1 ELSE 2 END`;
    case 'email':
      return sql<number>`CASE WHEN ${email} = ${plan.text} THEN 0 WHEN ${email} LIKE ${`${escapeLike(plan.text)}%`} THEN 1 ELSE 3 END`;
    case 'phone':
      return sql<number>`CASE WHEN ${phone} IN (${sql.join(plan.e164Prefixes)}) THEN 0
        WHEN ${sql.join(
          plan.e164Prefixes.map((p) => sql`${phone} LIKE ${`${p}%`}`),
          sql` OR `,
        )} THEN 1 ELSE 3 END`;
  }
}

/** The compiled search query, for EXPLAIN in tests and the database page (null: nothing to run). */
export function searchCustomersQuery(db: Db, params: SearchParams) {
  const plan = planCustomerSearch(params.q);
  if (plan.kind === 'none') return null;
  const now = params.now ?? new Date();
  const after = params.cursor ?? null;
  const { sure, sample } = candidates(db, plan, params.limit, after);
  const ranked = db
    .with('sure', () => sure)
    .with('sample', () => sample ?? sure.where(sql<boolean>`false`))
    .with('u', (qc) => qc.selectFrom('sure').selectAll().union(qc.selectFrom('sample').selectAll()))
    .selectFrom('u')
    .select([
      'u.id',
      'u.name',
      'u.phone',
      'u.email',
      rankOf(plan).as('rank'),
      sql<string>`lower(${sql.ref('u.name')}) COLLATE "C"`.as('sort_name'),
      // Uncorrelated: computed once. More than the cap means the ranking saw only part of the matches.
      sql<number>`(SELECT count(*)::int FROM sample)`.as('sampled'),
    ])
    .$if(!!after, (qb) =>
      qb.where(
        sql<boolean>`(${rankOf(plan)}, lower(${sql.ref('u.name')}) COLLATE "C", ${sql.ref('u.id')}) > (${after!.rank}, ${after!.sortName} COLLATE "C", ${after!.id})`,
      ),
    )
    .orderBy('rank')
    .orderBy('sort_name')
    .orderBy('u.id')
    .limit(params.limit);
  return db
    .selectFrom(ranked.as('c'))
    .select((eb) => [
      'c.id',
      'c.name',
      'c.phone',
      'c.email',
      'c.sampled',
      'c.rank',
      'c.sort_name',
      eb
        .selectFrom('appointments')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('appointments.customer_id', '=', 'c.id')
        .where('appointments.date', '>=', now)
        .where('appointments.status', '<>', 'cancelled')
        .as('upcomingCount'),
    ])
    .orderBy('c.rank')
    .orderBy('c.sort_name')
    .orderBy('c.id');
}

// Index: fragments of 3+ characters: customers_{name,email,phone}_trgm_idx (GIN, 0003), Bitmap Heap
// Scan stopped after SEARCH_MATCH_CAP + 1 rows; whole-name prefixes: customers_name_prefix_idx (0007),
// range Index Scan in order, LIMIT; exact email/phone: customers_{email,phone}_key; top-N sort of at
// most cap + limit rows; then appointments_customer_id_idx once per returned row (upcoming count).
// (For a fragment in a third of all rows, e.g. "gmail", the planner may scan customers in order and
// stop at cap + 1 matches instead: bounded too, ~2,600 rows read at 100k customers.)
export async function searchCustomers(db: Db, params: SearchParams): Promise<CustomerSearchResult> {
  const plan = planCustomerSearch(params.q);
  if (plan.kind === 'none') return { items: [], nextCursor: null, hint: plan.hint };
  // One row more than asked says whether there is a next page.
  const rows = await searchCustomersQuery(db, { ...params, limit: params.limit + 1 })!.execute();
  const capped = rows.some((r) => r.sampled > SEARCH_MATCH_CAP);
  const page = rows.slice(0, params.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ id: r.id, name: r.name, phone: r.phone, email: r.email, upcomingCount: r.upcomingCount ?? 0 })),
    nextCursor: rows.length > params.limit && last ? { rank: Number(last.rank), sortName: last.sort_name, id: last.id } : null,
    hint: capped ? `More than ${SEARCH_MATCH_CAP.toLocaleString('en-US')} customers match. Keep typing to narrow the list.` : null,
  };
}
