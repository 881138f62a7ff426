import superjson from 'superjson';
import type { SuperJSONResult } from 'superjson';

/**
 * superjson's wire format for what the procedures answer, without superjson's general walk
 * (issue 23: in a profile of the tRPC path superjson.serialize took 13% of the CPU, walking every
 * field of every row with per-value type checks, path arrays and an identity map).
 *
 * Rows are plain JSON plus Dates, so the walk only needs to check them and note each valid Date's
 * path as `["Date"]`; the value itself goes out as the JSON part (JSON.stringify writes a Date as
 * its ISO string): byte for byte what superjson.serialize gives (wire-format.test.ts compares the
 * two). Anything else (undefined, NaN, ±Infinity, -0, bigint, Map, Set, RegExp, Error, class
 * instances, a key superjson refuses, or nesting deeper than MAX_DEPTH, which is how a cycle
 * shows) is handed to superjson.serialize whole, so its annotations stay exactly superjson's. The
 * client still decodes with superjson.deserialize.
 *
 * One difference, on purpose: an object reached twice goes out twice, where superjson would note
 * the two paths as one object (its "referential equalities") and the client would rebuild one
 * shared object. The client gets equal copies instead, which renders the same. Keeping an identity
 * set of every object walked cost a third of the walk (issue 23), for no procedure that needs it.
 */
export function serializeOutput(value: unknown): SuperJSONResult {
  const walk = new Walk();
  walk.value(value);
  if (walk.fallback) return superjson.serialize(value);
  // No copy: the value itself is the JSON part. It holds only plain objects, arrays, finite
  // numbers, strings, booleans, null and valid Dates, and JSON.stringify writes a Date as its
  // toISOString() (Date.prototype.toJSON), which is the string superjson puts there.
  const result: SuperJSONResult = { json: value as SuperJSONResult['json'] };
  if (walk.rootDate) result.meta = { values: ['Date'], v: 1 };
  else if (walk.dates) result.meta = { values: walk.dates, v: 1 };
  return result;
}

/** tRPC's transformer: inputs through superjson as before, outputs through serializeOutput. */
export const wireTransformer = {
  input: superjson,
  output: { serialize: serializeOutput, deserialize: superjson.deserialize.bind(superjson) },
};

/** Deeper than any answer of ours: a cycle reaches it and goes to superjson (which handles cycles). */
const MAX_DEPTH = 64;

/**
 * Checks that a value is plain JSON plus valid Dates, and notes each Date's path. Paths are kept
 * as raw keys and indexes and escaped only for a Date (the walk is on every answer's hot path).
 */
class Walk {
  fallback = false;
  rootDate = false;
  dates: Record<string, ['Date']> | null = null;
  private readonly path: Array<string | number> = [];

  value(v: unknown): void {
    if (this.fallback) return;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        // superjson annotates NaN, ±Infinity and -0.
        if (!Number.isFinite(v) || Object.is(v, -0)) this.fallback = true;
        return;
      case 'object':
        if (v !== null) this.object(v);
        return;
      default:
        // undefined, bigint, symbol, function: superjson annotates or refuses them.
        this.fallback = true;
    }
  }

  /** superjson's path string: keys joined with dots, each escaped (pathstringifier.ts). */
  private pathString(): string {
    let out = '';
    for (let i = 0; i < this.path.length; i++) {
      const key = this.path[i]!;
      if (i > 0) out += '.';
      out += typeof key === 'number' ? String(key) : escapeKey(key);
    }
    return out;
  }

  private object(o: object): void {
    if (this.path.length > MAX_DEPTH) {
      this.fallback = true;
      return;
    }
    if (o instanceof Date) {
      if (Number.isNaN(o.getTime()) || Object.getPrototypeOf(o) !== Date.prototype || Object.hasOwn(o, 'toJSON')) {
        this.fallback = true;
        return;
      }
      if (this.path.length === 0) this.rootDate = true;
      else (this.dates ??= {})[this.pathString()] = ['Date'];
      return;
    }
    if (Array.isArray(o)) {
      if (Object.getPrototypeOf(o) !== Array.prototype) {
        this.fallback = true;
        return;
      }
      for (let i = 0; i < o.length && !this.fallback; i++) {
        this.path.push(i);
        this.value(o[i]);
        this.path.pop();
      }
      return;
    }
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) {
      this.fallback = true;
      return;
    }
    for (const key in o) {
      if (!Object.hasOwn(o, key)) continue;
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        this.fallback = true;
        return;
      }
      this.path.push(key);
      this.value((o as Record<string, unknown>)[key]);
      this.path.pop();
      if (this.fallback) return;
    }
  }
}

/** superjson's path escaping (pathstringifier.ts): backslash and dot. */
function escapeKey(key: string): string {
  return key.includes('\\') || key.includes('.') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;
}
