'use client';

import { useSuspenseInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useQueryStates } from 'nuqs';
import { Suspense, useDeferredValue, useEffect, useRef, useState } from 'react';
import { EmptyState, QueryBoundary, Skeleton } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { ChannelBadge } from './channel-badge';
import styles from './conversations.module.css';
import { formatPhone } from '@/lib/format-phone';
import { formatDateTime, formatListTime } from './format';
import { CHANNEL_FILTERS, type ChannelFilter, listInput, listSearchParams } from './search-params';

export const LIST_QUERY_STORAGE_KEY = 'conversations:list-query';

const FILTER_LABELS: Record<ChannelFilter | 'all', string> = { all: 'All', web: 'Web chat', sms: 'SMS', voice: 'Voice' };

export function ThreadList({ timeZone, now }: { timeZone: string; now: number }) {
  const [{ channel, q }, setParams] = useQueryStates(listSearchParams);
  const [text, setText] = useState(q);
  const pushed = useRef(q);

  // Typing updates the URL (and so the query) 300 ms after the last keystroke.
  useEffect(() => {
    if (text === pushed.current) return;
    const timer = setTimeout(() => {
      pushed.current = text;
      void setParams({ q: text.trim() ? text : null });
    }, 300);
    return () => clearTimeout(timer);
  }, [text, setParams]);
  // The URL changed by itself (back/forward, a shared link): show its search in the box.
  useEffect(() => {
    if (q !== pushed.current) {
      pushed.current = q;
      setText(q);
    }
  }, [q]);
  // The thread view's "back" link returns to this exact list.
  useEffect(() => {
    sessionStorage.setItem(LIST_QUERY_STORAGE_KEY, window.location.search);
  }, [channel, q]);

  // While the next result loads, the current one stays on screen (React keeps the deferred render).
  const deferredChannel = useDeferredValue(channel);
  const deferredQ = useDeferredValue(q);
  const updating = deferredChannel !== channel || deferredQ !== q || text.trim() !== q.trim();

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Conversations</h1>
          <p className="muted" style={{ margin: 0 }}>
            Web chat, SMS and calls, most recent first. Times in {timeZone}.
          </p>
        </div>
      </div>

      <div className={`card ${styles.filters}`} role="search">
        <label className={styles.searchField}>
          <span className="sr-only">Search by customer name or phone number</span>
          <input
            className="input"
            type="search"
            placeholder="Search name or phone…"
            value={text}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && text) {
                e.preventDefault();
                setText('');
              }
            }}
          />
        </label>
        <div className="segmented" role="group" aria-label="Channel">
          {(['all', ...CHANNEL_FILTERS] as const).map((c) => (
            <button
              key={c}
              type="button"
              aria-pressed={(channel ?? 'all') === c}
              onClick={() => void setParams({ channel: c === 'all' ? null : c })}
            >
              {FILTER_LABELS[c]}
            </button>
          ))}
        </div>
        <span className={`muted ${styles.updating}`} role="status" aria-live="polite">
          {updating ? 'Updating…' : ''}
        </span>
      </div>

      <QueryBoundary>
        <Suspense fallback={<div className="card"><Skeleton rows={8} height={44} label="Loading conversations" /></div>}>
          <ThreadResults
            channel={deferredChannel}
            q={deferredQ}
            timeZone={timeZone}
            now={now}
            stale={updating}
            onClear={() => {
              setText('');
              pushed.current = '';
              void setParams({ channel: null, q: null });
            }}
          />
        </Suspense>
      </QueryBoundary>
    </div>
  );
}

function ThreadResults({
  channel,
  q,
  timeZone,
  now,
  stale,
  onClear,
}: {
  channel: ChannelFilter | null;
  q: string;
  timeZone: string;
  now: number;
  stale: boolean;
  onClear: () => void;
}) {
  const trpc = useTRPC();
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(
    trpc.conversations.list.infiniteQueryOptions(listInput({ channel, q }), {
      getNextPageParam: (page) => page.nextCursor,
    }),
  );
  const threads = data.pages.flatMap((p) => p.threads);

  useEffect(() => {
    performance.mark('data-visible:conversations');
  }, []);

  if (threads.length === 0) {
    const filtered = Boolean(channel || q.trim());
    return (
      <EmptyState title={filtered ? 'No conversation matches these filters' : 'No conversations yet'}>
        {tooFewDigits(q) ? (
          'Type at least 3 digits of the phone number, or a few letters of the name.'
        ) : filtered ? (
          <>
            Check the spelling, try part of the name or the last digits of the phone number, or{' '}
            <button type="button" className="btn" onClick={onClear}>
              clear the filters
            </button>
          </>
        ) : (
          'Messages from web chat, SMS and calls will appear here as customers get in touch.'
        )}
      </EmptyState>
    );
  }

  const nowDate = new Date(now);
  return (
    <div className={`card ${styles.listCard}`} aria-busy={stale} style={{ opacity: stale ? 0.6 : 1 }}>
      <ul className={styles.threadList} aria-label="Conversations">
        {threads.map((t) => {
          const name = t.customerName ?? 'Anonymous';
          return (
            <li key={t.id}>
              {/* No viewport prefetch: thirty rows would mean thirty server renders per list view. */}
              <Link
                href={`/conversations/${t.id}`}
                prefetch={false}
                className={styles.threadRow}
                data-testid="thread-row"
                data-thread-id={t.id}
              >
                <div className={styles.threadTop}>
                  <span className={styles.who}>
                    <strong className={t.customerName ? undefined : styles.anonymous}>{name}</strong>
                    {!t.customerName && t.contactName && <span className="muted">says “{t.contactName}”</span>}
                    {t.phone && <span className="muted mono">{formatPhone(t.phone)}</span>}
                  </span>
                  <time
                    className={`muted ${styles.threadTime}`}
                    dateTime={t.lastMessageAt.toISOString()}
                    title={formatDateTime(t.lastMessageAt, timeZone)}
                  >
                    {formatListTime(t.lastMessageAt, nowDate, timeZone)}
                  </time>
                </div>
                <div className={styles.threadBottom}>
                  <span className={styles.badges}>
                    {t.channels.map((c) => (
                      <ChannelBadge key={c} channel={c} />
                    ))}
                  </span>
                  <span className={styles.preview}>{t.lastMessagePreview ?? ''}</span>
                  <span className="muted" style={{ whiteSpace: 'nowrap' }}>
                    {t.messageCount.toLocaleString('en-US')} {t.messageCount === 1 ? 'message' : 'messages'}
                  </span>
                </div>
              </Link>
            </li>
          );
        })}
      </ul>
      <div className={styles.listFooter}>
        {hasNextPage ? (
          <button type="button" className="btn" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : 'Show more conversations'}
          </button>
        ) : (
          <span className="muted">
            {threads.length.toLocaleString('en-US')} {threads.length === 1 ? 'conversation' : 'conversations'}, that is all.
          </span>
        )}
      </div>
    </div>
  );
}

/** "55" or "(5": a phone search needs 3+ digits before anything can match. */
function tooFewDigits(q: string): boolean {
  const t = q.trim();
  return t !== '' && /^[+\d\s().-]+$/.test(t) && t.replace(/\D/g, '').length < 3;
}
