import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializeOutput } from './wire-format';

/**
 * The same JSON and the same annotations as superjson.serialize (the annotation map's key order may
 * differ: superjson's puts integer-like keys first, as JS objects do), and the same value after
 * superjson.deserialize.
 */
function expectSame(value: unknown) {
  const fast = serializeOutput(value);
  const reference = superjson.serialize(value);
  expect(JSON.stringify(fast.json)).toBe(JSON.stringify(reference.json));
  expect(JSON.parse(JSON.stringify(fast.meta ?? null))).toEqual(JSON.parse(JSON.stringify(reference.meta ?? null)));
  expect(superjson.deserialize(JSON.parse(JSON.stringify(fast)))).toEqual(superjson.deserialize(JSON.parse(JSON.stringify(reference))));
}

const at = (iso: string) => new Date(iso);

describe('serializeOutput: superjson wire format without superjson walk', () => {
  it('rows with dates, as the procedures answer them', () => {
    expectSame({
      messages: Array.from({ length: 50 }, (_, i) => ({
        id: i + 1,
        direction: i % 2 ? 'inbound' : 'outbound',
        body: `message ${i} with "quotes", \\ backslashes and ünïcode`,
        createdAt: at(`2026-03-${String((i % 28) + 1).padStart(2, '0')}T10:00:00.123Z`),
        readAt: i % 3 ? null : at('2026-04-01T00:00:00Z'),
        cost: i / 7,
        flags: [true, false],
      })),
      nextCursor: 'abc',
      prevCursor: null,
      hasNewer: false,
    });
  });

  it('plain JSON and empty shapes: no meta at all', () => {
    for (const v of [null, 0, 1.5, -3, '', 'x', true, false, [], {}, [[]], { a: {} }, { a: [1, 'b', null, { c: [] }] }]) {
      expectSame(v);
      expect(serializeOutput(v).meta).toBeUndefined();
    }
  });

  it('a date at the root, in arrays, and under keys superjson escapes', () => {
    expectSame(at('2026-01-02T03:04:05.006Z'));
    expectSame([at('2026-01-02T00:00:00Z'), [at('2026-01-03T00:00:00Z')]]);
    expectSame({ 'a.b': at('2026-01-02T00:00:00Z'), 'c\\d': { 'e.f\\': at('2026-01-03T00:00:00Z') }, '': at('2026-01-04T00:00:00Z') });
    expectSame({ 1: at('2026-01-02T00:00:00Z'), b: 2, 0: 'zero' });
  });

  it('objects without a prototype are plain objects to superjson too', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.when = at('2026-01-02T00:00:00Z');
    expectSame({ o });
  });

  it('everything else is superjson own output, annotations and all', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const v of [
      undefined,
      { a: undefined },
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
      { n: -0 },
      { n: 10n },
      { m: new Map([['k', at('2026-01-02T00:00:00Z')]]) },
      { s: new Set([1, 2]) },
      { r: /x/g },
      { e: new Error('boom') },
      { p: new Point(1, 2) },
      { d: new Date(Number.NaN) },
      // JSON.stringify would call its own toJSON; superjson writes its ISO string.
      { d: Object.assign(at('2026-01-02T00:00:00Z'), { toJSON: () => 'not a date' }) },
      cyclic,
      // A sparse array: its hole is undefined to superjson.
      Object.assign(new Array<number>(3), { 0: 1, 2: 3 }),
    ]) {
      expectSame(v);
    }
  });

  it('an object reached twice goes out twice: the client gets equal copies, not one shared object', () => {
    const shared = { id: 1, at: at('2026-01-02T00:00:00Z') };
    const sharedDate = at('2026-01-03T00:00:00Z');
    for (const v of [[shared, shared], { a: sharedDate, b: sharedDate }]) {
      const fast = serializeOutput(v);
      const reference = superjson.serialize(v);
      expect(JSON.stringify(fast.json)).toBe(JSON.stringify(reference.json));
      expect(fast.meta?.referentialEqualities).toBeUndefined();
      expect(reference.meta?.referentialEqualities).toBeDefined();
      const decoded = superjson.deserialize(JSON.parse(JSON.stringify(fast)));
      expect(decoded).toEqual(v);
    }
    expect(serializeOutput({ a: sharedDate, b: sharedDate }).meta?.values).toEqual({ a: ['Date'], b: ['Date'] });
  });

  it('nesting deeper than any answer (a cycle) is superjson own output', () => {
    let deep: unknown = at('2026-01-02T00:00:00Z');
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expectSame(deep);
    expect(serializeOutput(deep)).toEqual(superjson.serialize(deep));
  });

  it('keys superjson refuses are refused the same way', () => {
    const bad = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    expect(() => superjson.serialize(bad)).toThrow(/prototype pollution/);
    expect(() => serializeOutput(bad)).toThrow(/prototype pollution/);
    expect(() => serializeOutput({ constructor: 1 })).toThrow(/prototype pollution/);
  });

  it('random nested values of the supported kinds', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const gen = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3) {
        const k = Math.floor(rand() * 6);
        return [
          null,
          true,
          Math.round(rand() * 1e6) / 100,
          `s${Math.floor(rand() * 100)}.x`,
          new Date(1.7e12 + Math.floor(rand() * 1e10)),
          '',
        ][k];
      }
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [['a', 'b.c', 'd\\e', '7'][i % 4]!, gen(depth + 1)]),
      );
    };
    for (let i = 0; i < 300; i++) expectSame(gen(0));
  });
});
