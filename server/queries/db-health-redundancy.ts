/**
 * Which indexes another index makes redundant: pure functions over catalog facts, no database.
 *
 * B makes A redundant when both are on the same table with the same access method and the same
 * predicate, B is VALID, and B's key columns start with all of A's key columns (same expression, operator
 * class, collation and order, or all reversed, which a backward scan serves), and B carries every
 * INCLUDE column of A. For non-B-tree methods (GIN, GiST...) a leading-column prefix means nothing,
 * so only an exact duplicate counts. Unique, primary-key and exclusion indexes enforce constraints:
 * they are never proposed for dropping.
 */
export interface IndexShape {
  oid: number;
  name: string;
  table: string;
  method: string;
  unique: boolean;
  primary: boolean;
  exclusion: boolean;
  valid: boolean;
  ready: boolean;
  /** Key columns as pg_get_indexdef(oid, k, true) prints them: a column name or an expression. */
  keys: string[];
  include: string[];
  opclasses: string[];
  collations: string[];
  /** pg_index.indoption per key column: bit 1 DESC, bit 2 NULLS FIRST. */
  options: number[];
  predicate: string | null;
}

const norm = (s: string | null) => (s === null ? null : s.replace(/\s+/g, ' ').trim());

/** True when A's key columns are B's leading key columns (in the same order, or all reversed). */
function keyPrefix(a: IndexShape, b: IndexShape): boolean {
  const n = a.keys.length;
  if (n === 0 || n > b.keys.length) return false;
  for (let i = 0; i < n; i++) {
    if (norm(a.keys[i]!) !== norm(b.keys[i]!)) return false;
    if (a.opclasses[i] !== b.opclasses[i] || a.collations[i] !== b.collations[i]) return false;
  }
  const same = a.options.slice(0, n).every((o, i) => o === b.options[i]);
  // ASC NULLS LAST (0) read backwards is DESC NULLS FIRST (3): XOR 3 reverses a column.
  const reversed = a.options.slice(0, n).every((o, i) => (o ^ 3) === b.options[i]);
  return same || reversed;
}

function sameShape(a: IndexShape, b: IndexShape): boolean {
  return (
    a.keys.length === b.keys.length &&
    keyPrefix(a, b) &&
    a.include.length === b.include.length &&
    a.include.every((c) => b.include.includes(c))
  );
}

/** The index that makes `a` redundant, or null. */
export function redundantWith(a: IndexShape, b: IndexShape): boolean {
  if (a.oid === b.oid || a.table !== b.table || a.method !== b.method) return false;
  if (a.unique || a.primary || a.exclusion) return false; // enforces a constraint: never droppable
  if (!b.valid || !b.ready) return false;
  if (norm(a.predicate) !== norm(b.predicate)) return false;
  const bColumns = new Set([...b.keys, ...b.include].map((c) => norm(c)));
  if (!a.include.every((c) => bColumns.has(norm(c)))) return false;
  if (sameShape(a, b)) {
    // Exact duplicates: keep the constraint-backed one, else the older (lower oid); flag only the other.
    return b.unique || b.primary || b.oid < a.oid;
  }
  if (a.method !== 'btree') return false;
  return a.keys.length < b.keys.length && keyPrefix(a, b);
}

/** For each index, the indexes that make it redundant (empty when none). */
export function findRedundant(indexes: IndexShape[]): Map<number, IndexShape[]> {
  const out = new Map<number, IndexShape[]>();
  for (const a of indexes) {
    const covering = indexes.filter((b) => redundantWith(a, b));
    if (covering.length) out.set(a.oid, covering);
  }
  return out;
}

/** "name (a, b) INCLUDE (c)" for a reason line. */
export function describeShape(i: IndexShape): string {
  const include = i.include.length ? ` INCLUDE (${i.include.join(', ')})` : '';
  const where = i.predicate ? ` WHERE ${i.predicate}` : '';
  return `${i.name} (${i.keys.join(', ')})${include}${where}`;
}
