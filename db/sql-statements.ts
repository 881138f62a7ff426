/**
 * Splits a SQL file into statements at top-level semicolons, aware of quotes, dollar quotes and
 * comments, so a migration can run statement by statement (needed for CREATE INDEX CONCURRENTLY,
 * and to name the failing statement on error). Returns statements without their trailing `;`,
 * comments inside a statement kept, empty statements dropped.
 */
export function splitSqlStatements(source: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '-' && next === '-') {
      const end = source.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === "'" || c === '"') {
      i = skipQuoted(source, i, c);
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(source.slice(i, i + 64))?.[0];
      if (tag) {
        const end = source.indexOf(tag, i + tag.length);
        i = end === -1 ? n : end + tag.length;
      } else {
        i++;
      }
    } else if (c === ';') {
      push(source.slice(start, i));
      start = ++i;
    } else {
      i++;
    }
  }
  push(source.slice(start));
  return out;

  function push(text: string) {
    if (stripSqlComments(text).trim()) out.push(text.trim());
  }
}

function skipQuoted(source: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < source.length) {
    if (source[j] === quote) {
      if (source[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

/** The statement without `--` line comments and block comments (quotes respected loosely). */
export function stripSqlComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/--[^\n]*/g, '');
}

export interface IndexStatement {
  name: string;
  table: string;
  statement: string;
}

/** `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON table ...` statements of a file. */
export function createdIndexes(source: string): IndexStatement[] {
  const re = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?("?[\w.]+"?)\s+ON\s+(?:ONLY\s+)?("?[\w.]+"?)/i;
  return splitSqlStatements(source).flatMap((statement) => {
    const m = re.exec(stripSqlComments(statement).trim());
    return m ? [{ name: unquote(m[1]!), table: unquote(m[2]!), statement }] : [];
  });
}

/** Index names dropped by `DROP INDEX [CONCURRENTLY] [IF EXISTS] a, b` statements of a file. */
export function droppedIndexes(source: string): string[] {
  const re = /^DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?([\w".,\s]+?)(?:\s+(?:CASCADE|RESTRICT))?$/i;
  return splitSqlStatements(source).flatMap((statement) => {
    const m = re.exec(stripSqlComments(statement).trim());
    return m ? m[1]!.split(',').map((s) => unquote(s.trim())) : [];
  });
}

function unquote(name: string): string {
  const bare = name.replace(/"/g, '');
  return bare.includes('.') ? bare.split('.').pop()! : bare;
}
