/** Calls one tRPC batch may carry: the server refuses more with 400, the client link never sends more. */
export const TRPC_MAX_BATCH = 10;
