'use client';

import { useSuspenseInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useQueryStates } from 'nuqs';
import { Suspense, useDeferredValue, useEffect, useRef, useState } from 'react';
import { EmptyState, QueryBoundary, Skeleton } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { formatPhone } from '@/lib/format-phone';
import {
  CHANNELS,
  type Channel,
  listInputFromUrl,
  listSearchParams,
  type ListUrlState,
  type MatchKind,
  messageSearchInputFromUrl,
} from '@/lib/contract/conversations';
import { ChannelBadge } from './channel-badge';
import styles from './conversations.module.css';
import { formatDateTime, formatListTime } from './format';
import { useLiveList } from './live';
import { MessageHits } from './message-hits';
import { PageHeader } from '@/app/_components/page-header';

export const LIST_QUERY_STORAGE_KEY = 'conversations:list-query';

const FILTER_LABELS: Record<Channel | 'all', string> = { all: 'All', web: 'Web chat', sms: 'SMS', voice: 'Has a call' };
const MATCH_LABELS: Record<MatchKind, string> = { name: 'name', phone: 'phone', email: 'email' };

export function ThreadList({ timeZone, now }: { timeZone: string; now: number }) {
  const [params, setParams] = useQueryStates(listSearchParams);
  const { q } = params;
  const [text, setText] = useState(q);
  const pushed = useRef(q);
  useLiveList();

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
  const urlKey = JSON.stringify(params);
  useEffect(() => {
    sessionStorage.setItem(LIST_QUERY_STORAGE_KEY, window.location.search);
  }, [urlKey]);

  // While the next result loads, the current one stays on screen (React keeps the deferred render).
  const deferred = useDeferredValue(params);
  const updating = JSON.stringify(deferred) !== urlKey || text.trim() !== q.trim();
  const hits = messageSearchInputFromUrl(deferred);

  return (
    <div className="stack">
      <PageHeader title="Conversations" description={<>Web chat, SMS and calls, most recent first. Times in {timeZone}.</>} />

      <div className={`card ${styles.filters}`} role="search">
        <label className={styles.searchField}>
          <span className="sr-only">Search names, phone numbers, emails and messages</span>
          <input
            className="input"
            type="search"
            placeholder="Search names, phones, emails, messages…"
            value={text}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            data-testid="conversation-search"
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
          {(['all', ...CHANNELS] as const).map((c) => (
            <button
              key={c}
              type="button"
              aria-pressed={(params.channel ?? 'all') === c}
              onClick={() => void setParams({ channel: c === 'all' ? null : c })}
            >
              {FILTER_LABELS[c]}
            </button>
          ))}
        </div>
        <span className={`muted ${styles.updating}`} role="status" aria-live="polite">
          {updating ? 'Updating…' : ''}
        </span>
        <div className={styles.triage}>
          <label className={styles.inlineField}>
            <span>Status</span>
            <select
              className="input"
              value={params.status ?? ''}
              onChange={(e) => void setParams({ status: (e.target.value || null) as ListUrlState['status'] })}
            >
              <option value="">Any</option>
              <option value="open">Open</option>
              <option value="closed">Closed</option>
            </select>
          </label>
          <button
            type="button"
            className="btn"
            aria-pressed={params.waiting}
            data-testid="waiting-filter"
            onClick={() => void setParams({ waiting: params.waiting ? null : true })}
          >
            {params.waiting ? '✓ ' : ''}Waiting on us
          </button>
          <label className={styles.inlineField}>
            <span>From</span>
            <input
              className="input"
              type="date"
              value={params.from ?? ''}
              max={params.to ?? undefined}
              onChange={(e) => void setParams({ from: e.target.value || null })}
            />
          </label>
          <label className={styles.inlineField}>
            <span>To</span>
            <input
              className="input"
              type="date"
              value={params.to ?? ''}
              min={params.from ?? undefined}
              onChange={(e) => void setParams({ to: e.target.value || null })}
            />
          </label>
        </div>
      </div>

      <QueryBoundary>
        {/* Prefetched on the server: no Suspense boundary (see QueryBoundary). */}
        <ThreadResults
          params={deferred}
          timeZone={timeZone}
          now={now}
          stale={updating}
          onClearCustomer={() => void setParams({ customer: null })}
          onClear={() => {
            setText('');
            pushed.current = '';
            void setParams({ channel: null, q: null, customer: null, status: null, waiting: null, from: null, to: null });
          }}
        />
      </QueryBoundary>

      {hits && (
        <QueryBoundary>
          <Suspense
            fallback={
              <div className="card">
                <Skeleton rows={4} height={44} label="Searching messages" />
              </div>
            }
          >
            <MessageHits input={hits} timeZone={timeZone} stale={updating} />
          </Suspense>
        </QueryBoundary>
      )}
    </div>
  );
}

function ThreadResults({
  params,
  timeZone,
  now,
  stale,
  onClear,
  onClearCustomer,
}: {
  params: ListUrlState;
  timeZone: string;
  now: number;
  stale: boolean;
  onClear: () => void;
  onClearCustomer: () => void;
}) {
  const trpc = useTRPC();
  const input = listInputFromUrl(params);
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(
    trpc.conversations.list.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor }),
  );
  const threads = data.pages.flatMap((p) => p.threads);
  const total = data.pages[0]?.total ?? null;
  const q = params.q;

  useEffect(() => {
    performance.mark('data-visible:conversations');
  }, []);

  const customerName = threads.find((t) => t.customerId === input.customerId)?.customerName;
  const customerChip = input.customerId ? (
    <div className={styles.activeFilter} data-testid="customer-filter">
      Showing only <strong>{customerName ? `${customerName}’s` : `customer #${input.customerId}’s`}</strong> conversations
      <button type="button" className="btn" onClick={onClearCustomer} aria-label="Remove the customer filter">
        ✕ Show everyone’s
      </button>
    </div>
  ) : null;

  const filtered = Boolean(input.channel || q.trim() || input.customerId || input.status || input.waiting || input.from || input.to);
  if (threads.length === 0 && q.trim() && messageSearchInputFromUrl(params)) {
    // The message search below may still find it: one quiet line, not a page-sized empty state.
    return (
      <>
        {customerChip}
        <p className="muted" style={{ margin: 0 }} data-testid="no-thread-match">
          No customer name, phone or email matches “{q.trim()}”
          {input.customerId || input.status || input.waiting || input.from || input.to || input.channel ? ' with these filters' : ''}.
        </p>
      </>
    );
  }
  if (threads.length === 0) {
    return (
      <>
        {customerChip}
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
      </>
    );
  }

  const nowDate = new Date(now);
  const shown = threads.length.toLocaleString('en-US');
  const count = total !== null ? `${shown} of ${total.toLocaleString('en-US')}` : hasNextPage ? `${shown}+` : shown;
  return (
    <>
      {customerChip}
      <div className={`card ${styles.listCard}`} aria-busy={stale} style={{ opacity: stale ? 0.6 : 1 }}>
        <div className={styles.listHead}>
          <strong>{q.trim() ? 'Customers and contacts' : input.waiting ? 'Waiting on us, longest wait first' : 'Conversations'}</strong>
          <span className="muted" data-testid="list-count">
            {count} {threads.length === 1 && total === null ? 'conversation' : 'conversations'}
          </span>
        </div>
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
                      {t.matched === 'email' && t.customerEmail && <span className="muted">{t.customerEmail}</span>}
                      {t.matched && <span className="badge">matched {MATCH_LABELS[t.matched]}</span>}
                      {t.lastDirection === 'inbound' && t.status === 'open' && <span className="badge badge-warn">waiting</span>}
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
              {shown} {threads.length === 1 ? 'conversation' : 'conversations'}, that is all.
            </span>
          )}
        </div>
      </div>
    </>
  );
}

/** "55" or "(5": a phone search needs 3+ digits before anything can match. */
function tooFewDigits(q: string): boolean {
  const t = q.trim();
  return t !== '' && /^[+\d\s().-]+$/.test(t) && t.replace(/\D/g, '').length < 3;
}
