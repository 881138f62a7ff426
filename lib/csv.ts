/**
 * One CSV field, quoted when it holds a comma, quote or line break. A value starting with = + - @
 * (or tab/CR) would run as a formula in a spreadsheet: it gets a leading apostrophe (OWASP "CSV
 * injection"). Names in the data come from people and other systems.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV text (CRLF line ends, as RFC 4180 and spreadsheets expect). */
export function csvText(rows: readonly (readonly (string | number | null)[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
