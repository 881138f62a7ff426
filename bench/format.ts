/** Number formatting shared by the report and the console. */

export function fmtMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function fmtRatio(r: number | null | undefined): string {
  if (r == null || !Number.isFinite(r)) return 'n/a';
  if (r >= 10) return `${r.toFixed(0)}x`;
  return `${r.toFixed(1)}x`;
}

export function fmtPct(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return 'n/a';
  return `${(x * 100).toFixed(0)}%`;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** 100000 -> "100k", 1000000 -> "1M", 2500 -> "2.5k". */
export function fmtSize(rows: number): string {
  if (rows >= 1_000_000) return `${trim(rows / 1_000_000)}M`;
  if (rows >= 1_000) return `${trim(rows / 1_000)}k`;
  return String(rows);
}

function trim(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1).replace(/\.0$/, '');
}

/** "10m", "100k", "1000000", "1e6" -> a row count. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([km]?)\s*$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a row count (examples: 5000, 100k, 1m, 10m)`);
  const n = Number(m[1]) * (m[2]!.toLowerCase() === 'm' ? 1_000_000 : m[2]!.toLowerCase() === 'k' ? 1_000 : 1);
  if (!Number.isFinite(n) || n < 1) throw new Error(`"${text}" is not a positive row count`);
  return Math.round(n);
}
