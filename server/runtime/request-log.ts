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

/** One JSON line per request on stdout: what a log pipeline parses without a grok pattern. */
export function logRequest(line: RequestLogLine): void {
  if (process.env.REQUEST_LOG === 'off') return;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'request', ...line })}\n`);
}
