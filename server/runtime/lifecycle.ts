/**
 * What the process must close on shutdown (pools, LISTEN connections, timers), in registration
 * order reversed. Anything that opens a long-lived resource registers it here:
 *   onShutdown('live-updates listener', () => client.end());
 * Kept on globalThis so dev reloads and the instrumentation hook share one list.
 */
type Closer = { name: string; close: () => unknown };

const g = globalThis as unknown as { __closers?: Closer[]; __shuttingDown?: boolean };

export function onShutdown(name: string, close: () => unknown): () => void {
  const list = (g.__closers ??= []);
  const entry = { name, close };
  list.push(entry);
  return () => {
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
  };
}

/** From SIGTERM on, /api/ready answers 503 so the load balancer stops sending new requests. */
export function markShuttingDown(): void {
  g.__shuttingDown = true;
}

export function isShuttingDown(): boolean {
  return g.__shuttingDown === true;
}

/** Runs every closer once (newest first); a failing one is logged and the others still run. */
export async function closeAll(log: (line: string) => void = console.error): Promise<void> {
  g.__shuttingDown = true;
  const list = (g.__closers ?? []).splice(0).reverse();
  for (const c of list) {
    try {
      await c.close();
    } catch (err) {
      log(`[shutdown] closing ${c.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
