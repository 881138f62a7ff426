import { describe, expect, it, vi } from 'vitest';
import { BulkheadFull, Bulkhead, busyReason } from './busy';

const LIMITS = { lockTimeoutMs: 3_000, statementTimeoutMs: 10_000, poolWaitMs: 50 };

async function overflow(bulkhead: Bulkhead): Promise<unknown> {
  let release!: () => void;
  const holding = bulkhead.run(50, () => new Promise<void>((resolve) => (release = resolve)));
  const refused = await bulkhead.run(50, async () => 'ran').catch((err: unknown) => err);
  release();
  await holding;
  return refused;
}

describe('a full bulkhead', () => {
  it('is refused with a message naming the area, which busyReason turns into the 503 text', async () => {
    const err = await overflow(new Bulkhead('bookings', 1));
    expect(err).toBeInstanceOf(BulkheadFull);
    expect(busyReason(err, LIMITS)).toMatch(/^1 bookings requests already hold their share .* within 50 ms$/);
  });

  it('is recognised by every bundled copy of this file: the bulkheads live on globalThis, made by whichever copy ran first', async () => {
    const err = await overflow(new Bulkhead('conversations', 1));
    // A second module instance, as Next's page bundle, its route bundle and scripts/serve.ts each load.
    vi.resetModules();
    const copy = await import('./busy');
    expect(copy.BulkheadFull).not.toBe(BulkheadFull);
    expect(err instanceof copy.BulkheadFull).toBe(true);
    expect(copy.busyReason(err, LIMITS)).toContain('conversations requests already hold their share');
    // And only a bulkhead's refusal: other errors, and look-alikes without the brand, are not busy.
    expect(new Error('x') instanceof copy.BulkheadFull).toBe(false);
    expect({ message: 'x' } instanceof copy.BulkheadFull).toBe(false);
    expect(copy.busyReason(new Error('1 bookings requests already hold their share'), LIMITS)).toBeNull();
  });
});
