/**
 * Runs once when `next start` (or `next dev`) boots, before the first request.
 *  - Fail fast: the environment is parsed here, so a missing BETTER_AUTH_SECRET or a bad URL or
 *    time zone stops the server with the message instead of answering 500 to every request.
 *  - Graceful SIGTERM: Next itself stops accepting and waits for in-flight requests; this adds the
 *    bound (SHUTDOWN_GRACE_SECONDS) and closes the pools and LISTEN clients (server/runtime/lifecycle).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // `next build` loads this file too, without a deployment's environment.
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { boot } = await import('./server/runtime/boot');
  boot();
}
