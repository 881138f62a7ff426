import { toNextJsHandler } from 'better-auth/next-js';
import { getServices } from '@/server/services';

// Resolved per request so that `next build` does not need the environment.
const handler = (req: Request) => toNextJsHandler(getServices().auth).POST(req);
const getHandler = (req: Request) => toNextJsHandler(getServices().auth).GET(req);

export { getHandler as GET, handler as POST };
