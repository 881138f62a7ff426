import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * A primary + streaming replica pair of throwaway clusters for the replica and readiness tests, on
 * their own ports (REPLICA_TEST_PORT, default 4152 for the primary and +1 for the replica), data in
 * /tmp. Never the machine's main cluster. Made with initdb + pg_basebackup -R, run as the postgres
 * user (initdb refuses root), started with pg_ctl. Idempotent: running clusters are reused, stopped
 * ones started, missing ones created; left running for the next test file or CI run.
 */
const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
export const PAIR_PRIMARY_PORT = Number(process.env.REPLICA_TEST_PORT ?? 4152);
export const PAIR_REPLICA_PORT = PAIR_PRIMARY_PORT + 1;
const ROOT = path.join(process.env.REPLICA_TEST_DIR ?? '/tmp', `hsd-pair-${PAIR_PRIMARY_PORT}`);
const PRIMARY_DIR = path.join(ROOT, 'primary');
const REPLICA_DIR = path.join(ROOT, 'replica');
const asRoot = process.getuid?.() === 0;

function run(bin: string, args: string[]): string {
  const cmd = path.join(BIN, bin);
  return asRoot
    ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', stdio: 'pipe' })
    : execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe' });
}

function isReady(port: number): boolean {
  try {
    execFileSync(path.join(BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
    return true;
  } catch {
    return false;
  }
}

function options(port: number): string {
  // Small and fast: this data is thrown away.
  return `-p ${port} -k ${ROOT} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=60 -c wal_level=replica -c max_wal_senders=4 -c hot_standby=on`;
}

function start(dir: string, port: number): void {
  if (isReady(port)) return;
  run('pg_ctl', ['-D', dir, '-l', `${dir}.log`, '-o', options(port), '-w', '-t', '60', 'start']);
}

export function stopCluster(which: 'primary' | 'replica'): void {
  const dir = which === 'primary' ? PRIMARY_DIR : REPLICA_DIR;
  run('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']);
}

export function startCluster(which: 'primary' | 'replica'): void {
  if (which === 'primary') start(PRIMARY_DIR, PAIR_PRIMARY_PORT);
  else start(REPLICA_DIR, PAIR_REPLICA_PORT);
}

export function ensureReplicaPair(): { primaryAdminUrl: string; replicaAdminUrl: string } {
  mkdirSync(ROOT, { recursive: true });
  if (asRoot) execFileSync('chown', ['postgres', ROOT]);
  if (!existsSync(path.join(PRIMARY_DIR, 'PG_VERSION'))) {
    run('initdb', ['-D', PRIMARY_DIR, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  }
  start(PRIMARY_DIR, PAIR_PRIMARY_PORT);
  if (!existsSync(path.join(REPLICA_DIR, 'PG_VERSION'))) {
    run('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(PAIR_PRIMARY_PORT),
      '-U',
      'postgres',
      '-D',
      REPLICA_DIR,
      '-R',
      '-X',
      'stream',
      '--no-sync',
    ]);
  }
  start(REPLICA_DIR, PAIR_REPLICA_PORT);
  return {
    primaryAdminUrl: `postgres://postgres@127.0.0.1:${PAIR_PRIMARY_PORT}/postgres`,
    replicaAdminUrl: `postgres://postgres@127.0.0.1:${PAIR_REPLICA_PORT}/postgres`,
  };
}
