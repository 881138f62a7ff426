import { randomUUID } from 'node:crypto';

/** The request id: the load balancer's X-Request-Id when it sent a sane one, else a new UUID. */
export function requestId(headers: Headers): string {
  const given = headers.get('x-request-id');
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

export interface RequestLogLine {
  requestId: string;
  /** tRPC procedure path(s), or the route. */
  route: string;
  method: string;
  role: string;
  status: number;
  durationMs: number;
  dbNode: string;
}

/**
 * One JSON line per request on stdout: what a log pipeline parses without a grok pattern.
 *
 * Lines are written in batches, once per turn of the event loop (setImmediate), not one write per
 * request: stdout to a pipe or file is a synchronous system call in Node, and one per request cost
 * about 6% of the server's CPU at 600 requests a second (issue 23's profile). A line waits at most
 * until the current batch of I/O callbacks is done; whatever is pending is written on exit.
 */
export function logRequest(line: RequestLogLine): void {
  if (process.env.REQUEST_LOG === 'off') return;
  const s = sink();
  s.lines.push(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'request', ...line })}\n`);
  if (!s.scheduled) {
    s.scheduled = true;
    setImmediate(flushRequestLog);
  }
}

/** Writes the pending lines now (also run on process exit). */
export function flushRequestLog(): void {
  const s = g.__requestLog;
  if (!s) return;
  s.scheduled = false;
  if (s.lines.length === 0) return;
  const chunk = s.lines.join('');
  s.lines.length = 0;
  process.stdout.write(chunk);
}

interface Pending {
  lines: string[];
  scheduled: boolean;
}

// On globalThis: every bundled copy of this file (Next's route and pages, scripts/serve.ts's) adds
// to one batch, so lines keep their order and exit flushes them all.
const g = globalThis as unknown as { __requestLog?: Pending };

function sink(): Pending {
  if (!g.__requestLog) {
    g.__requestLog = { lines: [], scheduled: false };
    process.once('exit', flushRequestLog);
  }
  return g.__requestLog;
}
