import http from 'node:http';
import type { AddressInfo } from 'node:net';
import superjson from 'superjson';
import { dayBounds } from '@/lib/business-day';
import type { Db } from '@/db/client';
import { costByService } from '@/server/queries/analytics';
import { customerAppointments, customerExists } from '@/server/queries/bookings';
import { threadById, threadHistory } from '@/server/queries/conversations';

/**
 * The machine's limit for the dashboard's requests (issue 23): a bare Node `http` server with a
 * `pg` pool (a Kysely instance with no per-transaction limits) that answers the same URL as the
 * tRPC route, `/api/trpc/<procedure>?input=<superjson>`, by calling the same query function with
 * the same parameters the router passes, so the same SQL reaches PostgreSQL. What it leaves out is
 * what the app adds: Next.js, tRPC, the session check, the zod contract, the bulkhead, superjson on
 * the way out, the transaction that carries the time limits. It answers plain JSON.
 */

type Handler = (db: Db, input: any, timeZone: string) => Promise<unknown>;

/** The procedures the bench measures against this baseline, each as its router calls the query. */
export const BASELINE_HANDLERS: Record<string, Handler> = {
  // server/routers/conversations.ts#history, newest page (no cursor, no aroundMessageId/aroundDay).
  'conversations.history': async (db, input: { threadId: string; limit?: number }) => {
    const page = await threadHistory(db, { threadId: input.threadId, limit: input.limit ?? 50, cursor: null, direction: 'older' });
    if (page.messages.length === 0 && !(await threadById(db, input.threadId))) return null;
    return page;
  },
  // server/routers/bookings.ts#byCustomer, first page of a tab.
  'bookings.byCustomer': async (db, input: { customerId: number; tab?: 'upcoming' | 'past' | 'cancelled'; limit?: number }, tz) => {
    const page = await customerAppointments(db, {
      customerId: input.customerId,
      tab: input.tab ?? 'upcoming',
      status: null,
      technician: null,
      ...dayBounds({}, tz),
      limit: input.limit ?? 25,
      cursor: null,
    });
    if (page.items.length === 0 && !(await customerExists(db, input))) return null;
    return page;
  },
  // server/routers/analytics.ts#costByService.
  'analytics.costByService': (db, input: { days: number }, tz) => costByService(db, { days: input.days, timeZone: tz }),
};

export const BASELINE_PROCEDURES = Object.keys(BASELINE_HANDLERS);

export interface BaselineServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: any free port). */
export async function startBaselineServer(db: Db, opts: { port: number; timeZone: string }): Promise<BaselineServer> {
  const server = http.createServer((req, res) => {
    void answer(db, opts.timeZone, req, res);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(db: Db, timeZone: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://baseline');
  const procedure = url.pathname.replace(/^\/api\/trpc\//, '');
  const handler = BASELINE_HANDLERS[procedure];
  if (!handler) return send(res, 404, { error: `no baseline for ${procedure}` });
  try {
    const raw = url.searchParams.get('input');
    const input = raw ? superjson.deserialize(JSON.parse(raw)) : undefined;
    const data = await handler(db, input, timeZone);
    if (data === null) return send(res, 404, { error: 'not found' });
    send(res, 200, data);
  } catch (err) {
    send(res, 500, { error: err instanceof Error ? err.message : String(err) });
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
