// The one CSV writer behind every download (cost analytics, attribution). RFC 4180 quoting, CRLF
// line ends, and the formula-injection guard in one place so the two exports cannot drift apart.

export type CsvValue = string | number | null;

/**
 * One CSV field. Quoted when it holds a comma, quote or line break. Service names, sources and
 * campaigns come from data anyone can influence (UTM parameters in a link, whatever wrote
 * api_usage): a value starting with = + - @ (or a tab/CR) would run as a formula in a spreadsheet,
 * so it gets a leading apostrophe (OWASP "CSV injection"). Numbers are written as they are.
 */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole document: every row's fields guarded and joined, CRLF after each line (the last too). */
export function csvDocument(rows: ReadonlyArray<ReadonlyArray<CsvValue>>): string {
  return rows.map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}
