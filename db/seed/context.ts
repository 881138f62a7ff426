import type { SeedClock } from './clock';
import type { SeedCounts, SeedTable } from './scales';
import type { SqlRandom } from './sql-kit';

/** What every table generator receives. */
export interface SeedContext {
  rng: SqlRandom;
  clock: SeedClock;
  counts: SeedCounts;
  /** Rows per INSERT statement (each its own short transaction). */
  chunkRows: number;
  /** Runs one statement in its own short transaction; resolves to the rows it affected. `table`: the one it fills. */
  run(text: string, table?: SeedTable): Promise<number>;
  /** Reports rows written so far for a table. */
  progress(table: SeedTable, rows: number): void;
}

/** [from, to] ranges (1-based, inclusive) of at most `size` rows covering 1..total. */
export function ranges(total: number, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = 1; from <= total; from += size) out.push([from, Math.min(total, from + size - 1)]);
  return out;
}
