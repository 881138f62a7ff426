import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushRequestLog, logRequest, requestId } from './request-log';

const line = (n: number) => ({
  requestId: `r${n}`,
  route: 'conversations.history',
  method: 'GET',
  role: 'staff',
  status: 200,
  durationMs: n,
  dbNode: 'primary',
});

afterEach(() => {
  flushRequestLog();
  vi.restoreAllMocks();
});

describe('the request log', () => {
  it('writes one JSON line per request, in order, batched into one write per turn of the event loop', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    logRequest(line(1));
    logRequest(line(2));
    logRequest(line(3));
    expect(write).not.toHaveBeenCalled();
    await new Promise((resolve) => setImmediate(resolve));
    expect(write).toHaveBeenCalledTimes(1);
    const lines = String(write.mock.calls[0]![0]).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      [1, 2, 3].map((n) => ({ time: expect.any(String), level: 'info', msg: 'request', ...line(n) })),
    );
    // The next request starts a new batch.
    logRequest(line(4));
    await new Promise((resolve) => setImmediate(resolve));
    expect(write).toHaveBeenCalledTimes(2);
    expect(JSON.parse(String(write.mock.calls[1]![0])).requestId).toBe('r4');
  });

  it('writes what is pending when flushed (as on exit), and nothing twice', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    logRequest(line(5));
    flushRequestLog();
    expect(write).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('is silent with REQUEST_LOG=off', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.stubEnv('REQUEST_LOG', 'off');
    logRequest(line(6));
    await new Promise((resolve) => setImmediate(resolve));
    vi.unstubAllEnvs();
    expect(write).not.toHaveBeenCalled();
  });

  it('keeps a sane incoming request id and replaces anything else', () => {
    expect(requestId(new Headers({ 'x-request-id': 'lb-1234.abc:9' }))).toBe('lb-1234.abc:9');
    expect(requestId(new Headers({ 'x-request-id': 'bad id\n' }))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestId(new Headers())).toMatch(/^[0-9a-f-]{36}$/);
  });
});
