import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { readLiveLock, tryAcquireLock } from './file-lock';

/**
 * The zero-setup database: PGlite (PostgreSQL compiled to WASM) served over the PostgreSQL wire
 * protocol, so the app, the migrator, the seeder, the tests and psql all take the same `pg` path.
 * One process owns the data directory (a lock file beside it); others connect over the wire.
 *
 * Known limits of pglite-socket's multiplexer: every connection shares PGlite's one backend
 * session (advisory locks and SETs are shared; one open transaction makes the others wait), so
 * callers keep transactions short and guard the migrator with a file lock (see db/connect.ts).
 */

export const DEFAULT_DATA_DIR = path.resolve(process.env.EMBEDDED_DATA_DIR ?? '.data/pglite');
export const DEFAULT_EMBEDDED_PORT = Number(process.env.EMBEDDED_DB_PORT ?? 54329);

export interface EmbeddedServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    readonly ownerUrl: string | undefined,
  ) {
    super(
      `The embedded database in ${path.relative(process.cwd(), dataDir) || dataDir} is already owned by process ${ownerPid}` +
        (ownerUrl ? ` (serving ${ownerUrl})` : '') +
        '. Only one process may open it: stop that process, or connect to it' +
        (ownerUrl ? ` with DATABASE_URL=${ownerUrl}` : '') +
        '.',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

export function ownerLockPath(dataDir: string): string {
  return `${dataDir}.owner.lock`;
}

/** The URL of an embedded server another live process owns, if any. */
export function runningEmbeddedUrl(dataDir = DEFAULT_DATA_DIR): string | null {
  const info = readLiveLock(ownerLockPath(dataDir));
  return info && info.pid !== process.pid && typeof info.url === 'string' ? info.url : null;
}

export async function startEmbedded(options: { dataDir?: string; port?: number; host?: string } = {}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_EMBEDDED_PORT;
  const url = `postgres://postgres@${host}:${port}/postgres`;
  const lockFile = ownerLockPath(dataDir);
  const release = tryAcquireLock(lockFile, { url, startedAt: new Date().toISOString() });
  if (!release) {
    const owner = readLiveLock(lockFile);
    throw new EmbeddedDatabaseBusyError(dataDir, owner?.pid ?? -1, owner?.url as string | undefined);
  }
  let pglite: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    pglite = await PGlite.create(dataDir, { extensions: { pg_trgm, btree_gin } });
    server = new PGLiteSocketServer({ db: pglite, host, port, maxConnections: 64 });
    await server.start();
  } catch (err) {
    await server?.stop().catch(() => {});
    await pglite?.close().catch(() => {});
    release();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${port} is taken: set EMBEDDED_DB_PORT to a free port for the embedded database.`, { cause: err });
    }
    throw err;
  }
  const onExit = () => release();
  process.once('exit', onExit);
  let stopped = false;
  return {
    url,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      await server!.stop();
      await pglite!.close();
      release();
    },
  };
}
