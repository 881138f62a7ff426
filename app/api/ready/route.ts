import { checkReadiness } from '@/server/runtime/readiness';
import { getServices } from '@/server/services';

// Readiness for a load balancer: 200 when the primary answers within 1 s and no migration is
// pending, else 503. No session and no data in the body: only a short reason.
export const dynamic = 'force-dynamic';

export async function GET() {
  const { ready, reason } = await checkReadiness(getServices().db);
  return Response.json(
    { status: ready ? 'ready' : 'unready', reason },
    { status: ready ? 200 : 503, headers: { 'cache-control': 'no-store', ...(ready ? {} : { 'retry-after': '5' }) } },
  );
}
