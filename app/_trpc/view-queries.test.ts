import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { fetchViewQueries } from './view-queries';

const plain = (key: string, fn: () => Promise<unknown>) => ({ queryKey: [key], queryFn: fn });
const infinite = (key: string, fn: () => Promise<unknown>) => ({
  queryKey: [key],
  queryFn: fn,
  initialPageParam: null,
  getNextPageParam: () => null,
});

describe('fetchViewQueries', () => {
  it('fetches every entry of the declaration, plain and infinite, into the cache', async () => {
    const qc = new QueryClient();
    const res = await fetchViewQueries(qc, {
      a: plain('a', async () => 1),
      b: infinite('b', async () => ({ items: [2] })),
    });
    expect(res).toEqual({ failed: 0 });
    expect(qc.getQueryData(['a'])).toBe(1);
    expect(qc.getQueryData(['b'])).toEqual({ pages: [{ items: [2] }], pageParams: [null] });
  });

  it('drops every entry when one fails, without retrying and without throwing', async () => {
    const qc = new QueryClient({ defaultOptions: { queries: { retry: 3 } } });
    let calls = 0;
    const res = await fetchViewQueries(qc, {
      ok: plain('ok', async () => 1),
      bad: plain('bad', async () => {
        calls++;
        throw new Error('NOT_FOUND');
      }),
      list: infinite('list', async () => ({ items: [] })),
    });
    expect(res).toEqual({ failed: 1 });
    expect(calls).toBe(1);
    for (const k of ['ok', 'bad', 'list']) expect(qc.getQueryState([k]), k).toBeUndefined();
  });
});
