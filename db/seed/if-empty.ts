import type { Db } from '../client';
import { nonEmptySeedTables, seedDatabase } from './index';

/** First start: seed demo data when the database holds none yet. */
export async function seedIfEmpty(db: Db, log: (line: string) => void): Promise<void> {
  if ((await nonEmptySeedTables(db)).length > 0) return;
  log('Empty database: seeding demo data…');
  const report = await seedDatabase(db, {
    scale: 'demo',
    seed: 1,
    // Small statements: the embedded database serves other connections between them.
    chunkRows: 20_000,
    onProgress: (p) => log(`  ${p.table.padEnd(28)} ${String(p.rows).padStart(8)} rows  ${p.ms.toFixed(0)} ms`),
  });
  log(
    `  demo data ready (${Object.values(report.rows)
      .reduce((a, b) => a + b, 0)
      .toLocaleString('en-US')} rows)`,
  );
}
