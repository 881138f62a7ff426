'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/app/_trpc/client';
import styles from './database.module.css';
import { formatCount, formatUtc } from './format';
import { ConsistencyCheck, Verdict } from './check-section';
import { SqlBlock } from './sql-block';
import { TableScroll } from '@/app/_components/table-scroll';

const facts = (f: { messageCount: number; channels: string[]; lastMessageAt: Date | null }) =>
  `${formatCount(f.messageCount)} messages · ${f.channels.join(', ') || 'no channel'} · last ${f.lastMessageAt ? formatUtc(f.lastMessageAt) : 'never'}`;

const REPAIR = 'SELECT shared_threads_summary_refresh(array(SELECT shared_threads_summary_drift(NULL)));';

/** Migration 0010's thread summaries against the messages of the threads written to last. */
export function ThreadSummaryCheck() {
  const trpc = useTRPC();
  const query = useSuspenseQuery(trpc.database.threadSummaries.queryOptions());
  return (
    <ConsistencyCheck id="threads-h" title="Thread summaries" problemTitle="Could not check the thread summaries" query={query}>
      {(r) => (
        <>
          <Verdict mismatches={r.mismatches.length} noun="stale">
            {r.mismatches.length === 0
              ? `The ${formatCount(r.threads)} threads of the newest ${formatCount(r.messages)} messages show the counts, channels and last messages their messages give.`
              : `Some threads of the newest ${formatCount(r.messages)} messages show a stale count, channel list or last message in the conversation list: a writer turned migration 0010's triggers off (app.thread_summaries). The statement below repairs them.`}
          </Verdict>
          {r.mismatches.length > 0 && <SqlBlock label="Repair" wrap sql={REPAIR} />}
          {r.mismatches.length > 0 && (
            <TableScroll label="Stale threads">
              <table className={`table ${styles.stackTable}`}>
                <thead>
                  <tr>
                    <th scope="col">Thread</th>
                    <th scope="col">Shown</th>
                    <th scope="col">Its messages</th>
                  </tr>
                </thead>
                <tbody>
                  {r.mismatches.map((m) => (
                    <tr key={m.threadId}>
                      <td className="mono">
                        <Link href={`/conversations/${m.threadId}`}>{m.threadId}</Link>
                      </td>
                      <td data-label="Shown">{facts(m.stored)}</td>
                      <td data-label="Its messages">{facts(m.actual)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </>
      )}
    </ConsistencyCheck>
  );
}
