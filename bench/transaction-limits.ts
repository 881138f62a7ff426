// npx tsx bench/transaction-limits.ts: what the per-transaction time limits cost one query, direct and
// through PgBouncer (transaction mode, started like the tests start it). Medians of 600 sequential queries,
// middle of three rounds, plain vs limited side by side.
import { sql } from 'kysely';
import { createDb } from '../db/client';
import { ensurePgBouncer, pooledUrl } from '../db/testing/pgbouncer';
await ensurePgBouncer();
const direct = 'postgres://postgres@127.0.0.1:5432/postgres';
const targets = { direct, pgbouncer: pooledUrl('postgres') };
for (const [where, url] of Object.entries(targets)) {
  const plain = createDb(url, { max: 1 });
  const limited = createDb(url, { max: 1, statementTimeoutMs: 10000, lockTimeoutMs: 3000 });
  const med = async (db: typeof plain) => {
    const t: number[] = [];
    for (let i = 0; i < 600; i++) {
      const s = performance.now();
      await sql`select ${i}::int as n`.execute(db);
      t.push(performance.now() - s);
    }
    t.sort((a, b) => a - b);
    return t[300]!;
  };
  await med(plain);
  await med(limited);
  const rounds = [];
  for (let r = 0; r < 3; r++) rounds.push([await med(plain), await med(limited)]);
  const p = rounds.map((x) => x[0]!).sort()[1]!,
    l = rounds.map((x) => x[1]!).sort()[1]!;
  console.log(
    `${where}: one query median ${p.toFixed(3)} ms plain, ${l.toFixed(3)} ms with per-transaction limits (+${(l - p).toFixed(3)} ms, x${(l / p).toFixed(2)})`,
  );
  await plain.destroy();
  await limited.destroy();
}
