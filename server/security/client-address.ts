import { isIP } from 'node:net';

/**
 * Who is asking, for rate limits. The client must not choose its own bucket, so the address comes
 * from the TCP socket, and X-Forwarded-For is believed only as far as TRUSTED_PROXY_HOPS says.
 *
 * Next's route handlers do not expose the socket, and `next start` copies the socket's address into
 * X-Forwarded-For only when the request has none (a client that sends one picks its own address).
 * So the dashboard runs under scripts/serve.ts, which APPENDS the socket's peer to X-Forwarded-For
 * like any proxy and marks this process (`peerAppended`). The chain then ends with the peer, and
 * with N trusted proxies in front, the client is the entry N places before the end:
 *
 *   client --> app                      XFF "<spoofed>, C"      N=0 -> C
 *   client --> nginx --> app            XFF "<spoofed>, C, P"   N=1 -> C  (P: nginx)
 */
const globalForPeer = globalThis as unknown as { __peerAppended?: boolean; __peerWarned?: boolean };

/** Called by scripts/serve.ts, which appends the socket's peer to X-Forwarded-For. */
export function markPeerAppended(): void {
  globalForPeer.__peerAppended = true;
}

export function trustedProxyHops(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.TRUSTED_PROXY_HOPS ?? 0);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 0;
}

export function clientAddress(headers: Headers, options: { hops?: number; peerAppended?: boolean } = {}): string {
  const hops = options.hops ?? trustedProxyHops();
  const peerAppended = options.peerAppended ?? globalForPeer.__peerAppended === true;
  const chain = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return 'unknown';
  if (!peerAppended && hops === 0 && !globalForPeer.__peerWarned && process.env.NODE_ENV === 'production') {
    globalForPeer.__peerWarned = true;
    console.warn('[security] not running under scripts/serve.ts and TRUSTED_PROXY_HOPS=0: clients can choose their rate-limit address.');
  }
  // Without the appended peer, the last entry is the nearest proxy's view (or Next's fallback).
  const fromEnd = peerAppended ? hops : Math.max(0, hops - 1);
  return normalize(chain[Math.max(0, chain.length - 1 - fromEnd)]!);
}

/** One spelling per address ("::ffff:10.0.0.1" is 10.0.0.1); IPv6 by its /64, which one host holds. */
export function normalize(raw: string): string {
  let s = raw.trim().toLowerCase();
  if (s.startsWith('[')) s = s.slice(1, s.indexOf(']') > 0 ? s.indexOf(']') : undefined);
  if (s.startsWith('::ffff:') && isIP(s.slice(7)) === 4) s = s.slice(7);
  const kind = isIP(s);
  if (kind === 4) return s;
  if (kind === 6) return `${expand(s).slice(0, 4).join(':')}::/64`;
  // Not an address (a proxy wrote something else): still one bucket per value, bounded in size.
  return `other:${s.slice(0, 100)}`;
}

function expand(v6: string): string[] {
  const [left = '', right = ''] = v6.split('::');
  const l = left ? left.split(':') : [];
  const r = v6.includes('::') && right ? right.split(':') : [];
  const zeros = Array(Math.max(0, 8 - l.length - r.length)).fill('0');
  return [...l, ...zeros, ...r].map((g) => g.padStart(4, '0'));
}
