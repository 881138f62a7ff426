/**
 * The Content-Security-Policy of every response. Scripts: only those carrying this request's nonce,
 * and what they load ('strict-dynamic'): Next puts the nonce on its own inline and chunk scripts
 * when it finds one in the request's CSP header (proxy.ts sets it). Styles allow inline because
 * React's `style={{...}}` attributes and recharts' are inline styles (a nonce cannot cover
 * attributes); no script runs from them. Nobody may frame a page (clickjacking), forms post only
 * here, and no plugin, <base> or foreign connection is allowed.
 */
export function contentSecurityPolicy(nonce: string, options: { dev?: boolean; https?: boolean } = {}): string {
  return [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self' data:`,
    `connect-src 'self'${options.dev ? ' ws: wss:' : ''}`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    // Only where the page itself came over https: on plain http it would break every request.
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/**
 * The CSP of the JSON endpoints under /api/: nothing in an API answer may load, run or be framed.
 * Static, so the proxy builds no nonce and rewrites no request headers on the hot tRPC path.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers that do not depend on the request (next.config.mjs sets the same on static files). */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** One year, as the HSTS preload list asks; sent only on https (browsers ignore it over http anyway). */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Every JSON answer of the tRPC endpoint, set by its route (server/http/trpc-guard.ts) because the
 * proxy does not run on /api/trpc/ (proxy.ts): the static API CSP, the static headers, and HSTS
 * when the request came over https.
 */
export function setApiSecurityHeaders(headers: Pick<Headers, 'set'>, https: boolean): void {
  headers.set('content-security-policy', API_CSP);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) headers.set(name, value);
  if (https) headers.set('strict-transport-security', HSTS);
}

/** Next's server fills x-forwarded-proto from the socket (TLS or not) unless a proxy set it. */
export function cameOverHttps(headers: Headers, url: string): boolean {
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return proto ? proto === 'https' : url.startsWith('https:');
}

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
