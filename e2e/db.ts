import { readFileSync } from 'node:fs';
import pg from 'pg';
import { E2E_STATE_FILE } from './env';

/** Read-only access to the e2e database, so specs check the screen against the data itself. */
export async function withDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const { databaseUrl } = JSON.parse(readFileSync(E2E_STATE_FILE, 'utf8')) as { databaseUrl: string };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function serverState(): { databaseUrl: string; scale: string } {
  return JSON.parse(readFileSync(E2E_STATE_FILE, 'utf8'));
}
