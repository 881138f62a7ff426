import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The bookings view's queries are declared once, in queries.ts; the page fetches every entry and the
// client prefetches every entry (app/_trpc/view-queries.ts). What could still go wrong is a component
// building its own query options: that query would be read without being prefetched, and nothing
// else would fail. These checks make that a test failure.

const dir = path.dirname(new URL(import.meta.url).pathname);
const source = (f: string) => readFileSync(path.join(dir, f), 'utf8');
const files = readdirSync(dir).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts') && f !== 'queries.ts');

/** Queries that are not part of what the view renders first, each with the reason. */
const NOT_PREFETCHED: Record<string, string[]> = {
  // The typeahead runs as the person types; there is nothing to prefetch.
  'customer-search.tsx': ['bookings.searchCustomers'],
};

const OPTIONS_CALL = /trpc\.(\w+)\.(\w+)\.(?:queryOptions|infiniteQueryOptions|queryKey|pathFilter)\(/g;

describe('bookings view queries', () => {
  it('no component builds query options outside queries.ts (except the listed typeahead)', () => {
    expect(files).toContain('appointments.tsx');
    const found: Record<string, string[]> = {};
    for (const f of files) {
      const calls = [...source(f).matchAll(OPTIONS_CALL)].map((m) => `${m[1]}.${m[2]}`);
      if (calls.length) found[f] = [...new Set(calls)];
    }
    expect(found).toEqual(NOT_PREFETCHED);
  });

  it('queries.ts declares the view queries, and the page and the client take all of them from it', () => {
    expect(source('queries.ts')).toMatch(/trpc\.bookings\.customer\.queryOptions\(/);
    expect(source('page.tsx')).toMatch(/fetchViewQueries\(getQueryClient\(\), bookingsQueries\(/);
    expect(source('bookings-view.tsx')).toMatch(/usePrefetchViewQueries\(view\.queries\)/);
    for (const f of files) {
      // A hand-written prefetch beside the declaration is the drift this replaces.
      expect(source(f), f).not.toMatch(/\b(usePrefetchQuery|usePrefetchInfiniteQuery|prefetchQuery|prefetchInfiniteQuery)\(/);
    }
  });
});
