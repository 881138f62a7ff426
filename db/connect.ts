import path from 'node:path';
import { createDb, type Db, type DbOptions } from './client';
import { DEFAULT_DATA_DIR, type EmbeddedServer, runningEmbeddedUrl, startEmbedded } from './embedded';
import { withFileLock } from './file-lock';
import { runMigrations, type RunOptions } from './migrator';
import { refuseTransactionPooler } from './pooler-detect';

export interface OpenDatabase {
  db: Db;
  url: string;
  /** 'external' for DATABASE_URL; 'embedded' when this process owns PGlite; 'embedded-client' when another does. */
  mode: 'external' | 'embedded' | 'embedded-client';
  close(): Promise<void>;
}

/**
 * The one way scripts reach the database: DATABASE_URL when set (DIRECT_DATABASE_URL first with
 * `direct: true`); otherwise the embedded database,
 * connecting to the process that already owns it (e.g. a running `npm start`) or starting it here.
 */
export async function openDatabase(options: DbOptions & { dataDir?: string; direct?: boolean } = {}): Promise<OpenDatabase> {
  // `direct`: migrations, seeding, LISTEN, advisory locks need a real session, never a transaction pooler.
  const url = (options.direct && process.env.DIRECT_DATABASE_URL) || process.env.DATABASE_URL;
  if (url) {
    const db = createDb(url, options);
    return { db, url, mode: 'external', close: () => db.destroy() };
  }
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const running = runningEmbeddedUrl(dataDir);
  if (running) {
    const db = createDb(running, options);
    return { db, url: running, mode: 'embedded-client', close: () => db.destroy() };
  }
  const server: EmbeddedServer = await startEmbedded({ dataDir });
  const db = createDb(server.url, options);
  return {
    db,
    url: server.url,
    mode: 'embedded',
    async close() {
      await db.destroy();
      await server.stop();
    },
  };
}

/**
 * runMigrations, plus a file lock when the database is embedded: there every connection shares
 * one backend session, so the migrator's advisory lock cannot keep two migrators apart.
 */
export async function migrate(opened: Pick<OpenDatabase, 'db' | 'mode'>, options: RunOptions = {}) {
  if (opened.mode === 'external') {
    await refuseTransactionPooler(opened.db);
    return runMigrations(opened.db, options);
  }
  return withFileLock(`${DEFAULT_DATA_DIR}.migrate.lock`, () => runMigrations(opened.db, options));
}
