import type { Db } from '@/db/client';
import { seedDatabase } from '@/db/seed';
import { fmtInt } from './format';

/**
 * The project's seeder at an arbitrary size ("about `rows` rows in each of messages, appointments
 * and api_usage"), emptying the seed tables first. Growth steps reseed rather than top up: the
 * seeder's data is a pure function of (rows, seed, anchor), so every size is the one users get
 * from `npm run seed -- --rows N`. One anchor for the whole run keeps sizes comparable.
 */
export async function seedAt(
  db: Db,
  rows: number,
  anchor: Date,
  log: (line: string) => void,
): Promise<{ counts: Record<string, number>; ms: number }> {
  const report = await seedDatabase(db, {
    rows,
    seed: 1,
    reset: true,
    anchor,
    vacuum: true,
    onProgress: (p) => log(`      ${p.table.padEnd(28)} ${fmtInt(p.rows).padStart(12)} rows  ${(p.ms / 1000).toFixed(1)} s`),
  });
  return { counts: { ...report.rows }, ms: report.totalMs };
}
