/**
 * Where to go after sign-in. Only a path on this site is accepted: a browser resolves `//host`,
 * `/\host` (backslash is a slash to WHATWG URL parsing) and `/<TAB>/host` (tabs and newlines are
 * stripped) to another site, so the candidate is decoded once more (catching %5C, %2F, %09 that
 * survived one decoding), refused if it holds a backslash or any control character, and finally
 * resolved against a fixed origin: it must stay on that origin.
 */
export const DEFAULT_AFTER_SIGN_IN = '/conversations';

export function safeNext(next: string | null | undefined, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  for (const s of [next, decoded]) {
    if (!s.startsWith('/') || s.startsWith('//') || s.includes('\\')) return fallback;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(s)) return fallback;
  }
  const base = 'http://same-origin.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return fallback;
  }
  const out = url.pathname + url.search + url.hash;
  // Dot segments can normalize into a new "//host" ("/a/../..//x"): check what is returned, too.
  if (url.origin !== base || out.startsWith('//') || url.pathname.startsWith('/login')) return fallback;
  return out;
}
