import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { E2E_OUT } from './env';

/**
 * Pages call performance.mark('data-visible:<name>') when their data is on screen. Cold: the
 * mark's startTime, which the browser counts from navigation start. Warm: from a click on the
 * sidebar link (client-side navigation) to the next such mark.
 */
export async function waitForMark(page: Page, mark: string, after = 0): Promise<number> {
  const handle = await page.waitForFunction(
    ({ mark, after }) => {
      const hit = performance.getEntriesByName(mark).find((e) => e.startTime > after);
      return hit ? hit.startTime : null;
    },
    { mark, after },
    { timeout: 30_000, polling: 25 },
  );
  return (await handle.jsonValue()) as number;
}

export interface NavigationPhases {
  /** First byte of the HTML: the server's render up to its first flush. */
  responseStartMs: number;
  /** Last byte of the HTML: streamed parts (Suspense boundaries) included. */
  responseEndMs: number;
  domInteractiveMs: number;
}

/** The document's navigation timing, ms from navigation start. */
export async function navigationPhases(page: Page): Promise<NavigationPhases> {
  return page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return {
      responseStartMs: Math.round(n.responseStart),
      responseEndMs: Math.round(n.responseEnd),
      domInteractiveMs: Math.round(n.domInteractive),
    };
  });
}

/**
 * Warm navigations are timed from the click as the page saw it (the event's own timestamp), not from
 * the test's call: Playwright's checks before it clicks (the link visible, stable over two frames,
 * the hit target) took 30-190 ms on this machine, time no person waits. `recordClicks` installs the
 * listener in every page of a context.
 */
export async function recordClicks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    document.addEventListener('click', (e) => ((window as unknown as { __clickedAt?: number }).__clickedAt = e.timeStamp), {
      capture: true,
    });
  });
}

/**
 * A person looks at a page before clicking on: until nothing has arrived over the network for
 * 300 ms (the page's own requests, the sidebar's prefetches), at most 5 s. Clicking within
 * milliseconds of the data mark, as the test once did, timed the next page against the rest of
 * this one's loading.
 */
export async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () => {
        const ends = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => e.responseEnd);
        return performance.now() - Math.max(0, ...ends) > 300;
      },
      undefined,
      { timeout: 5_000, polling: 50 },
    )
    .catch(() => {});
}

/** Settles, clicks (the link `click` finds), and returns ms from the click to the page's data mark. */
export async function timedClick(page: Page, click: () => Promise<void>, mark: string): Promise<number> {
  await settle(page);
  const before = await page.evaluate(() => performance.now());
  await click();
  const visibleAt = await waitForMark(page, mark, before);
  const clickedAt = await page.evaluate(() => (window as unknown as { __clickedAt?: number }).__clickedAt ?? null);
  if (clickedAt === null || clickedAt < before) throw new Error(`the click before ${mark} was not recorded: call recordClicks(context)`);
  return visibleAt - clickedAt;
}

/** Clicks `linkName` in the sidebar and returns ms from the click to the page's data mark. */
export async function warmNavigation(page: Page, linkName: string, mark: string): Promise<number> {
  return timedClick(page, () => page.getByRole('navigation').getByRole('link', { name: linkName }).click(), mark);
}

export interface PaintMetrics {
  /** Largest Contentful Paint: when the page's largest text or image was painted (ms from navigation start). */
  lcpMs: number | null;
  /** Cumulative Layout Shift so far (shifts without recent input). */
  cls: number;
  /** Scripts fetched before `beforeMs` (the data-visible mark): bytes as sent (gzip) and files. */
  firstLoadJsBytes: number;
  firstLoadJsFiles: number;
  /** Every script fetched so far (charts loaded after the numbers included), bytes as sent. */
  totalJsBytes: number;
}

/**
 * What the person saw: LCP and layout shifts from PerformanceObserver (buffered: the entries of
 * the whole load), and the scripts from resource timing (encodedBodySize is the body as it came
 * over the wire: gzip, since `next start` compresses; the cache is empty in a fresh context).
 */
export async function paintMetrics(page: Page, beforeMs: number): Promise<PaintMetrics> {
  return page.evaluate(
    (beforeMs) =>
      new Promise<PaintMetrics>((resolve) => {
        let lcpMs: number | null = null;
        let cls = 0;
        const lcp = new PerformanceObserver((l) => {
          for (const e of l.getEntries()) lcpMs = e.startTime;
        });
        const shifts = new PerformanceObserver((l) => {
          for (const e of l.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>)
            if (!e.hadRecentInput) cls += e.value;
        });
        lcp.observe({ type: 'largest-contentful-paint', buffered: true });
        shifts.observe({ type: 'layout-shift', buffered: true });
        // Buffered entries arrive in a task after observe().
        setTimeout(() => {
          lcp.disconnect();
          shifts.disconnect();
          const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
            (e) => e.initiatorType === 'script' || /\.js(\?|$)/.test(new URL(e.name).pathname),
          );
          const first = scripts.filter((e) => e.startTime <= beforeMs);
          const bytes = (list: PerformanceResourceTiming[]) => list.reduce((n, e) => n + e.encodedBodySize, 0);
          resolve({
            lcpMs: lcpMs === null ? null : Math.round(lcpMs),
            cls: Math.round(cls * 1000) / 1000,
            firstLoadJsBytes: bytes(first),
            firstLoadJsFiles: first.length,
            totalJsBytes: bytes(scripts),
          });
        }, 100);
      }),
    beforeMs,
  );
}

export interface RenderRecord {
  page: string;
  kind: 'cold' | 'warm' | 'lcp' | 'range';
  samplesMs: number[];
  medianMs: number;
  budgetMs: number;
  targetMs: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const REPORT = path.join(E2E_OUT, 'render-times.json');

export function writeRenderReport(records: RenderRecord[], meta: Record<string, unknown>): string {
  mkdirSync(E2E_OUT, { recursive: true });
  const previous = existsSync(REPORT) ? JSON.parse(readFileSync(REPORT, 'utf8')) : null;
  writeFileSync(REPORT, JSON.stringify({ measuredAt: new Date().toISOString(), ...meta, records }, null, 2));
  void previous;
  const lines = [
    'page           kind   median    target   budget   samples',
    ...records.map(
      (r) =>
        `${r.page.padEnd(14)} ${r.kind.padEnd(5)} ${`${r.medianMs.toFixed(0)} ms`.padStart(8)} ${`${r.targetMs}`.padStart(7)} ms ${`${r.budgetMs}`.padStart(6)} ms   ${r.samplesMs.map((s) => s.toFixed(0)).join(', ')}`,
    ),
  ];
  return lines.join('\n');
}
