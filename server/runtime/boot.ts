import { env } from '../env';
import { getServices } from '../services';
import { closeAll, isShuttingDown, markShuttingDown } from './lifecycle';

/** Called by instrumentation.ts in the Node.js server, once. */
export function boot(): void {
  let grace: number;
  try {
    grace = env().SHUTDOWN_GRACE_SECONDS;
    getServices();
  } catch (err) {
    console.error(`\n${err instanceof Error ? err.message : String(err)}\n\nThe server did not start.`);
    process.exit(1);
  }

  // Next's own SIGTERM handler stops accepting connections, waits for in-flight requests, then
  // calls process.exit. We bound that wait and close our pools on the way out.
  const realExit = process.exit.bind(process);
  let exiting = false;
  const exitAfterClosing = (code?: number | string | null) => {
    if (exiting) return undefined as never;
    exiting = true;
    const cap = setTimeout(() => realExit(code ?? 0), 2_000);
    cap.unref();
    void closeAll().finally(() => realExit(code ?? 0));
    return undefined as never;
  };
  process.exit = exitAfterClosing as typeof process.exit;

  process.once('SIGTERM', () => {
    if (isShuttingDown()) return;
    markShuttingDown();
    console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'SIGTERM: draining', graceSeconds: grace }));
    const timer = setTimeout(() => {
      console.error(JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: 'grace period over: closing' }));
      exitAfterClosing(143);
    }, grace * 1_000);
    timer.unref();
  });
}
