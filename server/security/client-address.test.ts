import { describe, expect, it } from 'vitest';
import { clientAddress, normalize } from './client-address';

const h = (xff?: string) => new Headers(xff === undefined ? {} : { 'x-forwarded-for': xff });

describe('clientAddress: the peer, and X-Forwarded-For only as far as the trusted hops', () => {
  it('no proxy (hops 0) behind scripts/serve.ts: the appended peer, whatever the client sent', () => {
    expect(clientAddress(h('203.0.113.9'), { hops: 0, peerAppended: true })).toBe('203.0.113.9');
    expect(clientAddress(h('1.1.1.1, 203.0.113.9'), { hops: 0, peerAppended: true })).toBe('203.0.113.9');
    expect(clientAddress(h('1.1.1.1, 2.2.2.2, 203.0.113.9'), { hops: 0, peerAppended: true })).toBe('203.0.113.9');
  });
  it('one trusted proxy: the entry it appended, never one the client wrote', () => {
    // client C=198.51.100.7 sent "1.1.1.1"; nginx appended C; serve.ts appended nginx's 10.0.0.2.
    expect(clientAddress(h('1.1.1.1, 198.51.100.7, 10.0.0.2'), { hops: 1, peerAppended: true })).toBe('198.51.100.7');
    expect(clientAddress(h('198.51.100.7, 10.0.0.2'), { hops: 1, peerAppended: true })).toBe('198.51.100.7');
  });
  it('more hops than entries falls back to the leftmost, not to a shared bucket', () => {
    expect(clientAddress(h('10.0.0.2'), { hops: 2, peerAppended: true })).toBe('10.0.0.2');
  });
  it('under plain `next start` with a proxy, the proxy-appended entry is last', () => {
    expect(clientAddress(h('1.1.1.1, 198.51.100.7'), { hops: 1, peerAppended: false })).toBe('198.51.100.7');
  });
  it('normalizes spellings so one host is one bucket', () => {
    expect(normalize('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalize('2001:db8:1:2:3:4:5:6')).toBe('2001:0db8:0001:0002::/64');
    expect(normalize('2001:DB8:1:2::9')).toBe('2001:0db8:0001:0002::/64');
    expect(normalize('[2001:db8::1]')).toBe('2001:0db8:0000:0000::/64');
    expect(normalize('not-an-ip')).toBe('other:not-an-ip');
    expect(clientAddress(h(), { hops: 0, peerAppended: true })).toBe('unknown');
  });
});
