/**
 * What must happen however the bench ends (success, error, Ctrl-C): stop the Next.js server it
 * started, drop its database. Runs last-registered first, each at most once, errors reported
 * and not rethrown so every step gets its turn.
 */
export class Cleanups {
  private readonly steps: Array<{ name: string; fn: () => Promise<void> }> = [];
  private running: Promise<void> | null = null;

  add(name: string, fn: () => Promise<void>): void {
    this.steps.push({ name, fn });
  }

  runAll(log: (line: string) => void = console.error): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length) {
        const step = this.steps.pop()!;
        try {
          await step.fn();
        } catch (err) {
          log(`cleanup "${step.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
    return this.running;
  }
}
