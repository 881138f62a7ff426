import { handleTrpc } from '@/server/http/trpc-handler';

const handler = (req: Request) => handleTrpc(req);

export { handler as GET, handler as POST };
