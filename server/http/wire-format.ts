import superjson from 'superjson';
import type { SuperJSONResult } from 'superjson';

/**
 * superjson's wire format for what the procedures answer, without superjson's general walk
 * (issue 23: in a profile of the tRPC path superjson.serialize took 13% of the CPU, walking every
 * field of every row with per-value type checks, path arrays and an identity map).
 *
 * Rows are plain JSON plus Dates, so the walk only needs to copy them, turn each valid Date into
 * its ISO string and note its path as `["Date"]`: byte for byte what superjson.serialize gives
 * (wire-format.test.ts compares the two). Anything else (undefined, NaN, ±Infinity, -0, bigint,
 * Map, Set, RegExp, Error, class instances, an object reached twice or a key superjson refuses)
 * is handed to superjson.serialize whole, so its annotations stay exactly superjson's. The client
 * still decodes with superjson.deserialize.
 */
export function serializeOutput(value: unknown): SuperJSONResult {
  const walk = new Walk();
  const json = walk.value(value);
  if (walk.fallback) return superjson.serialize(value);
  const result: SuperJSONResult = { json: json as SuperJSONResult['json'] };
  if (walk.rootDate) result.meta = { values: ['Date'], v: 1 };
  else if (walk.dates) result.meta = { values: walk.dates, v: 1 };
  return result;
}

/** tRPC's transformer: inputs through superjson as before, outputs through serializeOutput. */
export const wireTransformer = {
  input: superjson,
  output: { serialize: serializeOutput, deserialize: superjson.deserialize.bind(superjson) },
};

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class Walk {
  fallback = false;
  rootDate = false;
  dates: Record<string, ['Date']> | null = null;
  private readonly path: string[] = [];
  private readonly seen = new Set<object>();

  value(v: unknown): unknown {
    if (this.fallback) return null;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        // superjson annotates NaN, ±Infinity and -0.
        if (!Number.isFinite(v) || Object.is(v, -0)) this.fallback = true;
        return v;
      case 'object':
        if (v === null) return null;
        return this.object(v);
      default:
        // undefined, bigint, symbol, function: superjson annotates or refuses them.
        this.fallback = true;
        return null;
    }
  }

  private object(o: object): unknown {
    // superjson records every object reached twice (referential equalities): leave those to it.
    if (this.seen.has(o)) {
      this.fallback = true;
      return null;
    }
    this.seen.add(o);
    if (o instanceof Date) {
      if (Number.isNaN(o.getTime()) || Object.getPrototypeOf(o) !== Date.prototype) {
        this.fallback = true;
        return null;
      }
      if (this.path.length === 0) this.rootDate = true;
      else (this.dates ??= {})[this.path.join('.')] = ['Date'];
      return o.toISOString();
    }
    if (Array.isArray(o)) {
      if (Object.getPrototypeOf(o) !== Array.prototype) {
        this.fallback = true;
        return null;
      }
      const out = new Array<unknown>(o.length);
      for (let i = 0; i < o.length; i++) {
        this.path.push(String(i));
        out[i] = this.value(o[i]);
        this.path.pop();
      }
      return out;
    }
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) {
      this.fallback = true;
      return null;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(o)) {
      if (RESERVED_KEYS.has(key)) {
        this.fallback = true;
        return null;
      }
      this.path.push(escapeKey(key));
      out[key] = this.value((o as Record<string, unknown>)[key]);
      this.path.pop();
    }
    return out;
  }
}

/** superjson's path escaping (pathstringifier.ts): backslash and dot. */
function escapeKey(key: string): string {
  return key.includes('\\') || key.includes('.') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;
}
