import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TEST_ADMIN_URL, withDatabase } from './database';

/**
 * Debian's PgBouncer 1.18 in transaction mode in front of the test PostgreSQL, as a plain process
 * on its own port (PGBOUNCER_TEST_PORT, default 4151) with a generated config and a wildcard `*`
 * database, so scratch databases created on the fly are reachable through it. Started once and left
 * running for the next test file or CI run (idempotent: a listener on the port is reused).
 */
export const PGBOUNCER_PORT = Number(process.env.PGBOUNCER_TEST_PORT ?? 4151);
const DIR = path.join(process.env.PGBOUNCER_TEST_DIR ?? '/tmp', `hsd-pgbouncer-${PGBOUNCER_PORT}`);

export async function ensurePgBouncer(): Promise<void> {
  if (await listening(PGBOUNCER_PORT)) return;
  const target = new URL(TEST_ADMIN_URL);
  mkdirSync(DIR, { recursive: true });
  const user = decodeURIComponent(target.username || 'postgres');
  writeFileSync(path.join(DIR, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    path.join(DIR, 'pgbouncer.ini'),
    `[databases]
* = host=${target.hostname} port=${target.port || 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${PGBOUNCER_PORT}
unix_socket_dir =
auth_type = trust
auth_file = ${DIR}/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
max_db_connections = 40
server_reset_query =
logfile = ${DIR}/pgbouncer.log
pidfile = ${DIR}/pgbouncer.pid
`,
  );
  // PgBouncer will not run as root: CI runs as root, so it drops to the postgres user (-u).
  const args = ['-d', ...(process.getuid?.() === 0 ? ['-u', 'postgres'] : []), path.join(DIR, 'pgbouncer.ini')];
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', DIR]);
  const bin = existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer';
  try {
    execFileSync(bin, args, { stdio: 'pipe' });
  } catch (err) {
    // Another test file may have started it a moment ago.
    if (!(await listening(PGBOUNCER_PORT))) throw err;
  }
  for (let i = 0; i < 50 && !(await listening(PGBOUNCER_PORT)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await listening(PGBOUNCER_PORT))) throw new Error(`PgBouncer did not start on ${PGBOUNCER_PORT}; see ${DIR}/pgbouncer.log`);
}

/** The pooled URL of a database on the test server. */
export function pooledUrl(database: string): string {
  const u = new URL(withDatabase(TEST_ADMIN_URL, database));
  u.hostname = '127.0.0.1';
  u.port = String(PGBOUNCER_PORT);
  return u.toString();
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}
