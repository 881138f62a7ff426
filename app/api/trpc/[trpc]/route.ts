import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/root';
import { RETRY_AFTER_SECONDS } from '@/server/runtime/busy';
import { logRequest, requestId } from '@/server/runtime/request-log';
import { createContext, type RequestMeta } from '@/server/trpc';

async function handler(req: Request) {
  const started = performance.now();
  const id = requestId(req.headers);
  const meta: RequestMeta = { role: 'anonymous', node: 'primary' };
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers, meta }),
    responseMeta({ errors }) {
      const headers = new Headers({ 'x-request-id': id });
      // A busy database (lock, statement timeout, pool, bulkhead) answers 503: say when to retry.
      if (errors.some((e) => e.code === 'SERVICE_UNAVAILABLE')) headers.set('retry-after', String(RETRY_AFTER_SECONDS));
      return { headers };
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${id} ${path ?? '?'}:`, error.cause ?? error);
    },
  });
  logRequest({
    requestId: id,
    route: new URL(req.url).pathname.replace(/^\/api\/trpc\//, ''),
    method: req.method,
    role: meta.role,
    status: res.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    dbNode: meta.node,
  });
  return res;
}

export { handler as GET, handler as POST };
