'use client';

import { useState } from 'react';
import { dateTimeFormat } from '@/app/_components/date-format';
import { useTRPCClient } from '@/app/_trpc/client';
import { businessDay } from '@/lib/business-day';
import type { ScheduleFilters } from '@/lib/contract/schedule';
import { scheduleCsv, scheduleCsvFileName } from './csv';

/** Downloads every booking of the current view and filters (all pages, not only those on screen). */
export function CsvButton({ input, timeZone }: { input: ScheduleFilters; timeZone: string }) {
  const client = useTRPCClient();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  async function download() {
    setState({ busy: true, error: null });
    try {
      const items = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof client.schedule.list.query>> = await client.schedule.list.query({
          ...input,
          limit: 200,
          cursor,
        });
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      const time = dateTimeFormat(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      const csv = scheduleCsv(items.map((b) => ({ ...b, day: businessDay(timeZone, b.date), time: time.format(b.date) })));
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = scheduleCsvFileName(input, timeZone);
      a.click();
      URL.revokeObjectURL(url);
      setState({ busy: false, error: null });
    } catch (e) {
      setState({ busy: false, error: e instanceof Error ? e.message : 'The export failed.' });
    }
  }
  return (
    <>
      <button type="button" className="btn" onClick={() => void download()} disabled={state.busy}>
        {state.busy ? 'Preparing CSV…' : 'Download CSV'}
      </button>
      {state.error && (
        <span role="alert" className="muted">
          {state.error}
        </span>
      )}
    </>
  );
}
