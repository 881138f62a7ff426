import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** What instrumentation.ts runs at `next start`: in a child process, with a given environment. */
async function boot(env: Record<string, string>) {
  try {
    await run(
      process.execPath,
      ['--import', 'tsx', '-e', "const m = await import('./server/runtime/boot.ts'); m.boot(); process.exit(0)"],
      {
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
        timeout: 30_000,
      },
    );
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

const GOOD = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  BETTER_AUTH_SECRET: 'x'.repeat(40),
};

describe('fail fast at boot', () => {
  it('refuses to start without BETTER_AUTH_SECRET, saying so', async () => {
    const { BETTER_AUTH_SECRET: _, ...env } = GOOD;
    const r = await boot(env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BETTER_AUTH_SECRET is required/);
    expect(r.stderr).toMatch(/did not start/);
  });

  it('refuses a bad replica URL and a bad time zone, naming both', async () => {
    const r = await boot({ ...GOOD, DATABASE_REPLICA_URL: 'http://nope', BUSINESS_TIME_ZONE: 'Mars/Olympus' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DATABASE_REPLICA_URL/);
    expect(r.stderr).toMatch(/BUSINESS_TIME_ZONE/);
  });

  it('starts with a valid environment', async () => {
    expect((await boot(GOOD)).code).toBe(0);
  });
});
