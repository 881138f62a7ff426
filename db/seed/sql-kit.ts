// SQL text builders shared by the generators. Every "random" value is a hash of (seed, stream, row
// key): hashint8extended is PostgreSQL's portable Jenkins hash (the one hash partitioning relies on,
// so it is identical on every platform, PGlite included). Unlike random(), it does not depend on
// the order in which the executor visits rows, so the same seed always yields the same data.

/** A SQL string literal. */
export function lit(value: string | null): string {
  return value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`;
}

/** A SQL numeric literal; refuses NaN and infinities rather than emitting broken SQL. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

export function textArray(values: readonly (string | null)[]): string {
  return `ARRAY[${values.map(lit).join(',')}]::text[]`;
}

export function numArray(values: readonly number[], type: 'float8' | 'int' | 'int8' = 'float8'): string {
  return `ARRAY[${values.map(num).join(',')}]::${type}[]`;
}

/** Two non-negative integer keys as one int8 (b < 2^24). */
export function key2(a: string, b: string): string {
  return `((${a})::int8 * 16777216 + (${b})::int8)`;
}

/**
 * x -> (x * K + salt) mod 2^32 for odd K is a bijection of [0, 2^32): distinct row numbers give
 * distinct values, so ids derived from it (job_..., cus_...) are unique by construction.
 */
export function bijection32(key: string, salt: number): string {
  return `((((${key})::int8 * 2654435761 + ${salt % 4294967296}) % 4294967296 + 4294967296) % 4294967296)`;
}

/**
 * Start of a seed's time-ordered ids ('job_' || to_hex(base + n) || ...): like ULIDs or UUIDv7
 * they grow with creation time, so their unique index is appended to instead of written at random
 * pages (the load stays fast with the index present). 8 hex digits up to 10^8 rows.
 */
export function timeOrderedBase(seed: number): number {
  return 0x10000000 + ((seed * 7919) % 0x1000000) * 16;
}

const TWO_PI = 6.283185307179586;
const BELL = 0.7;

export class SqlRandom {
  constructor(readonly seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new Error(`seed must be an integer in [0, 2^31): ${seed}`);
  }

  private hashSeed(stream: number): string {
    return (BigInt(this.seed) * 1_000_003n + BigInt(stream)).toString();
  }

  /** Uniform float8 in [0, 1), a pure function of (seed, stream, key). */
  u(key: string, stream: number): string {
    return `((hashint8extended((${key})::int8, ${this.hashSeed(stream)}) & 4503599627370495)::float8 / 4503599627370496::float8)`;
  }

  /** Integer in [lo, hi]; skew > 1 favours lo. */
  int(key: string, stream: number, lo: number | string, hi: number | string, skew = 1): string {
    const u = skew === 1 ? this.u(key, stream) : `power(${this.u(key, stream)}, ${num(skew)})`;
    return `((${lo}) + floor(${u} * ((${hi}) - (${lo}) + 1))::int)`;
  }

  /** 1-based index into a list of `length`; skew > 1 favours the front. */
  index(length: number | string, key: string, stream: number, skew = 1): string {
    return this.int(key, stream, 1, length, skew);
  }

  /** An element of a constant text list. */
  pick(values: readonly string[], key: string, stream: number, skew = 1): string {
    return `(${textArray(values)})[${this.index(values.length, key, stream, skew)}]`;
  }

  /** 1-based index chosen with the given weights. */
  weighted(weights: readonly number[], key: string, stream: number): string {
    return `(1 + width_bucket(${this.u(key, stream)}, ${thresholds(weights)}))`;
  }

  /** An element of a constant list, chosen with weights. */
  pickWeighted(entries: ReadonlyArray<readonly [string, number]>, key: string, stream: number): string {
    return `(${textArray(entries.map((e) => e[0]))})[${this.weighted(
      entries.map((e) => e[1]),
      key,
      stream,
    )}]`;
  }

  /** 32 hex digits, a pure function of (seed, tag, key). */
  md5(tag: string, key: string): string {
    return `md5(${lit(`${this.seed}:${tag}:`)} || (${key})::text)`;
  }

  /** A version-4-shaped uuid, a pure function of (seed, tag, key). */
  uuid(tag: string, key: string): string {
    const h = this.md5(tag, key);
    return `(substr(${h}, 1, 12) || '4' || substr(${h}, 14, 3) || '8' || substr(${h}, 18, 15))::uuid`;
  }
}

/** Cumulative thresholds (all but the last) for width_bucket, as a float8[] literal. */
export function thresholds(weights: readonly number[]): string {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const cuts = weights.slice(0, -1).map((w) => (acc += w) / total);
  return cuts.length ? numArray(cuts) : `'{}'::float8[]`;
}

/**
 * Local time of day for a fraction of the business day: 07:00-21:00, denser around 14:00.
 * h = 7 + 14 (f + 0.7 sin(2 pi f) / 2 pi) is monotonic (slope 14 (1 + 0.7 cos 2 pi f) > 0), so
 * ordered fractions stay ordered times; uniform fractions land ~5x more often at 14:00 than at
 * the edges of the day.
 */
export function businessHours(frac: string): string {
  return `(7 + 14 * ((${frac}) + ${BELL} * sin(${TWO_PI} * (${frac})) / ${TWO_PI}))`;
}

/** The inverse of businessHours on [0, 1], by bisection. */
export function businessFraction(hour: number): number {
  const x = Math.min(1, Math.max(0, (hour - 7) / 14));
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (mid + (BELL * Math.sin(TWO_PI * mid)) / TWO_PI < x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A local wall-clock time (date + hours) in the business time zone, as timestamptz. */
export function localTime(date: string, hours: string, timeZone: string): string {
  return `(((${date})::timestamp + (${hours}) * interval '1 hour') AT TIME ZONE ${lit(timeZone)})`;
}
