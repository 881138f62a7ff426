import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureOtp } from '../identity/otp';
import { ConsoleOtpSender } from '../identity/sender';
import { appRouter } from '../root';
import { createHarness, type Harness } from '../testing/harness';

/**
 * Every procedure, as every role, with hostile values in every field its schema names (and a few
 * it does not): the answer is never a 5xx, and no answer carries PostgreSQL's text. A new procedure
 * is covered the day it is added to root.ts.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness('hostile');
  configureOtp({ sender: new ConsoleOtpSender({ silent: true }) });
});
afterAll(() => h?.drop());

const HOSTILE: unknown[] = [
  '\u0000',
  'a\u0000b',
  '2026-02-30',
  '2026-04-31',
  '0000-01-01',
  '2026-02-30T00:00:00.000000Z_1',
  '2026-04-31T00:00:00.000000Z_1',
  '0000-01-01T00:00:00.000000Z_1',
  "'; select pg_sleep(10); --",
  '%',
  '\\',
  'x'.repeat(10_000),
  '\ud800',
  -1,
  0,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  null,
  [],
  {},
  ['\u0000'],
];

type Proc = { _def: { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[] } };
const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, Proc> } })._def.procedures);

/** The field names of a procedure's input object, if its schema is one (unwrapping effects). */
function fieldsOf(schema: unknown): string[] {
  let s: any = schema;
  for (let i = 0; i < 5 && s; i++) {
    if (s.shape) return Object.keys(s.shape);
    s = s._zod?.def?.in ?? s._zod?.def?.innerType ?? s._zod?.def?.schema;
  }
  return [];
}

function inputsFor(schema: unknown): unknown[] {
  const fields = fieldsOf(schema);
  const out: unknown[] = [undefined, ...HOSTILE, { ['k\u0000']: 1 }];
  for (const f of [...fields, 'extra']) for (const v of HOSTILE) out.push({ [f]: v });
  // The bookings cursors of issue 17 with otherwise valid fields.
  if (fields.includes('cursor') && fields.includes('customerId')) {
    for (const cursor of ['2026-02-30T00:00:00.000000Z_1', '2026-04-31T10:00:00.000000Z_5', '0000-01-01T00:00:00.000000Z_1']) {
      out.push({ customerId: 1, tab: 'past', cursor });
    }
  }
  if (fields.includes('q')) out.push({ q: 'smith\u0000' }, { q: '\u0000' });
  return out;
}

describe('no hostile input gets a 5xx', () => {
  it('enumerates every procedure', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(20);
  });

  for (const role of ['anonymous', 'staff', 'admin'] as const) {
    it(`as ${role}`, async () => {
      const failures: string[] = [];
      let calls = 0;
      for (const [path, proc] of procedures) {
        if (proc._def.type === 'subscription') continue;
        const method = proc._def.type === 'mutation' ? 'POST' : 'GET';
        for (const input of inputsFor(proc._def.inputs[0])) {
          calls++;
          const { status, body } = await h.http(role, path, input, { method });
          const message = String(body.error?.message ?? '');
          if (status >= 500 || /syntax error|invalid byte sequence|out of range|violates|relation "/.test(message)) {
            failures.push(`${path} ${JSON.stringify(input)?.slice(0, 80)} -> ${status} ${message.slice(0, 120)}`);
          }
        }
      }
      expect(failures, failures.join('\n')).toEqual([]);
      expect(calls).toBeGreaterThan(500);
    });
  }

  it('NUL and impossible dates are BAD_REQUEST with a readable message', async () => {
    const nul = await h.http('staff', 'bookings.searchCustomers', { q: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toMatch(/NUL/);
    for (const cursor of ['2026-02-30T00:00:00.000000Z_1', '2026-04-31T00:00:00.000000Z_1', '0000-01-01T00:00:00.000000Z_1']) {
      const r = await h.http('staff', 'bookings.byCustomer', { customerId: 1, tab: 'past', cursor });
      expect(r.status, cursor).toBe(400);
      expect(r.body.error.message).toMatch(/cursor is malformed/);
    }
    const day = await h.http('staff', 'bookings.tabCounts', { customerId: 1, from: '2026-02-30' });
    expect(day.status).toBe(400);
    expect(day.body.error.message).toMatch(/Dates must look like/);
  });
});
