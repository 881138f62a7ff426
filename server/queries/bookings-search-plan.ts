// How a typed string is searched: the rules that pick one index-served query per keystroke. Pure
// functions, no database: searchCustomers (bookings-search.ts) builds its SQL from the plan.

/**
 * How a typed string is searched. Decided in JS so each call sends one query that an index serves:
 *  - phone:  only digits and phone punctuation, 3+ digits: infix on the phone's digits (trigram).
 *  - email:  contains "@": infix on email (trigram).
 *  - text:   3+ letters/digits: infix on name or email (trigram).
 *  - words:  two or more words, one of them 3+ letters ("kim warren", "warren k"): every word starts
 *            a word of the name, in any order (trigram on the longer words, the rest as a filter).
 *  - prefix: 1-2 letters/digits ("j", "Jo", "o'b"): whole-name prefix (B-tree customers_name_prefix_idx).
 *  - none:   nothing an index can serve (too few digits, only punctuation): no query, a hint.
 */
export type CustomerSearchPlan =
  | { kind: 'phone'; digits: string; e164Prefixes: string[] }
  | { kind: 'email'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'words'; text: string; words: string[]; indexed: string[] }
  | { kind: 'prefix'; text: string }
  | { kind: 'none'; hint: string };

const PHONE_LIKE = /^[+\d\s().-]+$/;
const MIN_INFIX = 3; // pg_trgm needs a trigram to look up

export function planCustomerSearch(input: string): CustomerSearchPlan {
  const q = input.trim().replace(/\s+/g, ' ');
  if (!q) return { kind: 'none', hint: 'Type a name, phone number or email.' };
  if (PHONE_LIKE.test(q) && /\d/.test(q)) {
    const digits = q.replace(/\D/g, '');
    if (digits.length < MIN_INFIX) return { kind: 'none', hint: 'Type at least 3 digits of the phone number.' };
    // Phones are stored E.164 ("+13125550142"). "+…" is a full international prefix; without "+",
    // a leading 1 may be the country code or the start of a national number, else it is national.
    const e164Prefixes = q.startsWith('+') ? [`+${digits}`] : digits.startsWith('1') ? [`+${digits}`, `+1${digits}`] : [`+1${digits}`];
    return { kind: 'phone', digits, e164Prefixes };
  }
  const text = q.toLowerCase();
  const alnum = text.replace(/[^\p{L}\p{N}]/gu, '').length;
  if (text.includes('@')) {
    return alnum >= 2 && text.length >= MIN_INFIX
      ? { kind: 'email', text }
      : { kind: 'none', hint: 'Type a few more characters of the email address.' };
  }
  const words = text.split(' ').filter((w) => /[\p{L}\p{N}]/u.test(w));
  const indexed = words.filter((w) => w.replace(/[^\p{L}\p{N}]/gu, '').length >= MIN_INFIX);
  if (words.length >= 2 && indexed.length > 0) return { kind: 'words', text, words, indexed };
  if (alnum >= MIN_INFIX) return { kind: 'text', text };
  if (alnum >= 1) return { kind: 'prefix', text };
  return { kind: 'none', hint: 'Type a few letters of a name, or digits of a phone number.' };
}

/** `%`, `_` and `\` typed by a person are literal characters, not wildcards. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
