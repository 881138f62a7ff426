// Intl.DateTimeFormat is costly to build: one cached formatter per (time zone, options). Every
// formatter takes the business time zone explicitly, so the server's render and the browser's
// hydration print the same text.
const cache = new Map<string, Intl.DateTimeFormat>();

export function dateTimeFormat(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, ...options });
    cache.set(key, f);
  }
  return f;
}
