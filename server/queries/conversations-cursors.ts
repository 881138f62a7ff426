import { type Expression, sql } from 'kysely';

// Keyset cursors carry a timestamp with PostgreSQL's full microsecond precision. A JS Date keeps
// milliseconds only: a cursor built from one would skip or repeat rows whose created_at differ
// below the millisecond. So the key is formatted by SQL (to_char ... US) and compared as text cast
// back by PostgreSQL, never round-tripped through Date.
const KEY_FORMAT = `YYYY-MM-DD"T"HH24:MI:SS.US"Z"`;
export function timestampKey(column: Expression<unknown>) {
  return sql<string>`to_char(${column} AT TIME ZONE 'UTC', ${sql.lit(KEY_FORMAT)})`;
}

const KEY_RE = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A real instant in years 1900..9999, exactly as timestampKey prints it (so PostgreSQL accepts it). */
function isTimestampKey(s: string): boolean {
  const m = KEY_RE.exec(s);
  if (!m || Number(m[1]) < 1900) return false;
  const millis = `${s.slice(0, 23)}Z`;
  const t = Date.parse(millis);
  return Number.isFinite(t) && new Date(t).toISOString() === millis; // rejects Feb 30, hour 25...
}

/** (created_at, id) of a message at the edge of a page: the next page starts strictly beyond it. */
export interface MessageCursor {
  createdAt: string;
  id: number;
}
/** (last_message_at, id) of the last thread on a page. */
export interface ThreadCursor {
  lastMessageAt: string;
  id: string;
}

function encode(parts: string): string {
  return Buffer.from(parts, 'utf8').toString('base64url');
}
/** Canonical encodings only: decoding then re-encoding must give the input back. */
function decode(cursor: string): [string, string] | null {
  if (cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encode(text) !== cursor) return null;
  const bar = text.indexOf('|');
  if (bar < 0) return null;
  return [text.slice(0, bar), text.slice(bar + 1)];
}

export function encodeMessageCursor(c: MessageCursor): string {
  return encode(`${c.createdAt}|${c.id}`);
}
/** null for anything that is not a cursor this module made (callers answer BAD_REQUEST). */
export function decodeMessageCursor(cursor: string): MessageCursor | null {
  const parts = decode(cursor);
  if (!parts || !isTimestampKey(parts[0]) || !/^[1-9]\d{0,15}$/.test(parts[1])) return null;
  const id = Number(parts[1]);
  return Number.isSafeInteger(id) ? { createdAt: parts[0], id } : null;
}
export function encodeThreadCursor(c: ThreadCursor): string {
  return encode(`${c.lastMessageAt}|${c.id}`);
}
export function decodeThreadCursor(cursor: string): ThreadCursor | null {
  const parts = decode(cursor);
  if (!parts || !isTimestampKey(parts[0]) || !UUID_RE.test(parts[1])) return null;
  return { lastMessageAt: parts[0], id: parts[1] };
}

/** The start of a calendar day in the business time zone, as PostgreSQL computes it (DST-correct). */
export function dayStartSql(day: string, timeZone: string) {
  return sql<Date>`((${day}::date)::timestamp AT TIME ZONE ${timeZone})`;
}
