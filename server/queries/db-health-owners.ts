import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { Database } from '@/db/schema';
import { createdIndexes, droppedIndexes } from '@/db/sql-statements';

export interface OwnedIndex {
  name: string;
  table: string;
  migration: string;
  /** The CREATE INDEX statement `npm run migrate` runs to rebuild it. */
  statement: string;
}

/**
 * The indexes applied migrations create (and no later one drops), by name: what `npm run migrate`
 * rebuilds when missing or INVALID. The same rule as db/migrator.ts's expectedIndexHealth, which the
 * Next.js bundle cannot import: its `new URL('../migrations/', import.meta.url)` is resolved by the
 * bundler as a module. Here the files are read from the working directory (where `npm start` runs).
 */
export async function migrationIndexOwners(trx: Kysely<Database>): Promise<Map<string, OwnedIndex>> {
  // Kysely's default migration table; absent before the first `npm run migrate`.
  const exists = await sql<{ ok: boolean }>`select to_regclass('kysely_migration') is not null as ok`.execute(trx);
  const rows = exists.rows[0]?.ok ? (await sql<{ name: string }>`select name from kysely_migration`.execute(trx)).rows : [];
  const applied = new Set(rows.map((r) => r.name));
  const owners = new Map<string, OwnedIndex>();
  // Paths spelled out in full so the bundler's file tracing stays scoped to migrations/.
  if (!existsSync(path.join(process.cwd(), 'migrations'))) return owners;
  const files = readdirSync(path.join(process.cwd(), 'migrations'))
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f) && !f.endsWith('.down.sql'))
    .sort();
  for (const file of files) {
    const migration = file.replace(/\.sql$/, '');
    if (!applied.has(migration)) continue;
    const source = readFileSync(path.join(process.cwd(), 'migrations', file), 'utf8');
    for (const dropped of droppedIndexes(source)) owners.delete(dropped);
    for (const idx of createdIndexes(source)) owners.set(idx.name, { ...idx, migration });
  }
  return owners;
}
