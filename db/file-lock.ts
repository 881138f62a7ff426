import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface LockInfo {
  pid: number;
  [key: string]: unknown;
}

/** Whether a process with this pid is alive on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's content when held by a live process; a stale lock (dead owner) is removed. */
export function readLiveLock(file: string): LockInfo | null {
  let info: LockInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Half-written by an owner that died between open and write: treat as stale.
    rmSync(file, { force: true });
    return null;
  }
  if (info.pid !== process.pid && !processAlive(info.pid)) {
    rmSync(file, { force: true });
    return null;
  }
  return info;
}

/**
 * Creates the lock file atomically (O_EXCL). Returns null when a live process holds it.
 * Stale locks left by a crashed owner are taken over.
 */
export function tryAcquireLock(file: string, info: Omit<LockInfo, 'pid'> = {}): (() => void) | null {
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ ...info, pid: process.pid }));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (readLiveLock(file)) return null;
    }
  }
  return null;
}

/** Waits (polling) until the lock is free, runs fn, releases. For short critical sections. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let release = tryAcquireLock(file);
  while (!release) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for lock ${file}`);
    await new Promise((r) => setTimeout(r, 100));
    release = tryAcquireLock(file);
  }
  try {
    return await fn();
  } finally {
    release();
  }
}
