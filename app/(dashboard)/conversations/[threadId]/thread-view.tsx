'use client';

import { ThreadApiCost } from '@/app/_components/api-cost';
import { useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { type RefObject, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { QueryBoundary, Skeleton } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { ChannelBadge } from '../channel-badge';
import styles from '../conversations.module.css';
import { formatPhone } from '@/lib/format-phone';
import { dayKey, formatDateTime, formatDay } from '../format';
import { HISTORY_PAGE_SIZE } from '../search-params';
import { LIST_QUERY_STORAGE_KEY } from '../thread-list';
import { MessageItem } from './message-item';

export function ThreadView({ threadId, timeZone }: { threadId: string; timeZone: string }) {
  return (
    <div className="stack">
      <BackLink />
      <QueryBoundary>
        <Suspense
          fallback={
            <>
              <div className="card">
                <Skeleton rows={2} height={22} label="Loading conversation" />
              </div>
              <div className="card">
                <Skeleton rows={7} height={48} label="Loading messages" />
              </div>
            </>
          }
        >
          <ThreadHeader threadId={threadId} timeZone={timeZone} />
          <Messages threadId={threadId} timeZone={timeZone} />
        </Suspense>
      </QueryBoundary>
    </div>
  );
}

/** Back to the list as it was left (its filters), else to the unfiltered list. */
function BackLink() {
  const [href, setHref] = useState('/conversations');
  useEffect(() => {
    const query = sessionStorage.getItem(LIST_QUERY_STORAGE_KEY);
    if (query && query.startsWith('?')) setHref(`/conversations${query}`);
  }, []);
  return (
    <div>
      <Link href={href} className="btn">
        <span aria-hidden="true">←</span> All conversations
      </Link>
    </div>
  );
}

function ThreadHeader({ threadId, timeZone }: { threadId: string; timeZone: string }) {
  const trpc = useTRPC();
  const { data: t } = useSuspenseQuery(trpc.conversations.byId.queryOptions({ threadId }));
  const phone = t.customerPhone ?? t.contactPhone;
  return (
    <header className={`card ${styles.threadHeader}`}>
      <div className={styles.threadHeaderMain}>
        <h1>
          {t.customerName ?? 'Anonymous'}
          {!t.customerName && t.contactName && <span className="muted"> (says “{t.contactName}”)</span>}
        </h1>
        <div className="row muted">
          {phone && <span className="mono">{formatPhone(phone)}</span>}
          {t.customerEmail && <span>{t.customerEmail}</span>}
          {!t.customerId && <span>Not linked to a customer yet</span>}
          <ThreadApiCost threadId={threadId} />
        </div>
        <div className="row">
          {t.channels.map((c) => (
            <ChannelBadge key={c} channel={c} />
          ))}
          <span className={`badge ${t.status === 'open' ? 'badge-ok' : ''}`}>{t.status === 'open' ? 'Open' : 'Closed'}</span>
          <span className="muted">
            {t.messageCount.toLocaleString('en-US')} {t.messageCount === 1 ? 'message' : 'messages'}
            {t.lastMessageAt && <> · last {formatDateTime(t.lastMessageAt, timeZone)}</>}
          </span>
        </div>
      </div>
      {t.customerId !== null && (
        <Link className="btn btn-primary" href={`/bookings?customer=${t.customerId}`}>
          <span aria-hidden="true">📅</span> View {t.customerName ? `${t.customerName.split(' ')[0]}’s` : 'their'} bookings
        </Link>
      )}
    </header>
  );
}

function Messages({ threadId, timeZone }: { threadId: string; timeZone: string }) {
  const trpc = useTRPC();
  const { data: thread } = useSuspenseQuery(trpc.conversations.byId.queryOptions({ threadId }));
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage, isFetchNextPageError } = useSuspenseInfiniteQuery(
    trpc.conversations.history.infiniteQueryOptions(
      { threadId, limit: HISTORY_PAGE_SIZE },
      {
        getNextPageParam: (page) => page.nextCursor,
        // A refetch would re-run every loaded page in turn (a hundred for 5,000 messages):
        // the history is read as loaded; reloading the page shows new messages.
        staleTime: Number.POSITIVE_INFINITY,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
      },
    ),
  );
  // Pages come newest first; the screen reads oldest at the top, newest at the bottom.
  const messages = useMemo(() => data.pages.flatMap((p) => p.messages).reverse(), [data.pages]);

  const scrollRef = useRef<HTMLDivElement>(null);
  useFitToViewport(scrollRef, messages.length > 0);
  const getItemKey = useCallback((index: number) => messages[index]!.id, [messages]);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 92,
    getItemKey,
    // Prepending older pages keeps the message being read where it is; new ones at the end are
    // followed only when the reader is already at the end.
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: 80,
    overscan: 6,
    paddingStart: 8,
    paddingEnd: 8,
  });

  const [ready, setReady] = useState(false);
  useLayoutEffect(() => {
    if (ready) return;
    virtualizer.scrollToEnd();
    setReady(true);
  }, [ready, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const marked = useRef(false);
  useEffect(() => {
    if (ready && items.length > 0 && !marked.current) {
      marked.current = true;
      performance.mark('data-visible:thread');
    }
  }, [ready, items.length]);

  const loadOlder = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // Scrolling (or pressing Home) near the top loads the previous page by itself, once the view
  // has settled at the newest message.
  const autoLoad = useRef(false);
  useEffect(() => {
    const id = window.setTimeout(() => (autoLoad.current = true), 300);
    return () => window.clearTimeout(id);
  }, []);

  const olderLabel = isFetchingNextPage ? 'Loading older messages…' : 'Load older messages';
  return (
    <section className={`card ${styles.messagesCard}`} aria-labelledby="messages-heading" data-testid="thread-view">
      <div className={styles.messagesToolbar}>
        <h2 id="messages-heading" style={{ margin: 0 }}>
          Messages
        </h2>
        <span className="muted" aria-live="polite">
          {messages.length.toLocaleString('en-US')} of {Math.max(thread.messageCount, messages.length).toLocaleString('en-US')} loaded
          {!hasNextPage && messages.length > 0 && ' · from the first message'}
        </span>
        <span className={styles.toolbarActions}>
          {hasNextPage && (
            <button type="button" className="btn" data-testid="load-older" onClick={loadOlder} disabled={isFetchingNextPage}>
              <span aria-hidden="true">↑</span> {olderLabel}
            </button>
          )}
          <button type="button" className="btn" onClick={() => virtualizer.scrollToEnd()} disabled={messages.length === 0}>
            <span aria-hidden="true">↓</span> Newest
          </button>
        </span>
      </div>
      {isFetchNextPageError && (
        <div className="error-box" role="alert" style={{ padding: '0.5rem', margin: '0.5rem 0' }}>
          Could not load older messages.{' '}
          <button type="button" className="btn" onClick={loadOlder}>
            Try again
          </button>
        </div>
      )}
      {messages.length === 0 ? (
        <div className="empty">
          <strong>No messages in this conversation yet</strong>
          <div className="muted">Messages will appear here as soon as the customer or the team writes.</div>
        </div>
      ) : (
        <div
          ref={scrollRef}
          className={styles.scroller}
          role="log"
          aria-label="Messages, oldest at the top, newest at the bottom"
          aria-busy={isFetchingNextPage}
          tabIndex={0}
          onScroll={(e) => {
            // Read the element itself: React's handler runs before the virtualizer has seen this
            // scroll event, so its own offset would still be the previous one.
            const el = e.currentTarget;
            const fits = el.scrollHeight - el.clientHeight <= 80;
            if (autoLoad.current && !fits && el.scrollTop < 200) loadOlder();
          }}
        >
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
            {items.map((item) => {
              const m = messages[item.index]!;
              const prev = item.index > 0 ? messages[item.index - 1] : undefined;
              const day = dayKey(m.createdAt, timeZone);
              const showDay = !prev || dayKey(prev.createdAt, timeZone) !== day;
              return (
                <div
                  key={item.key}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  className={styles.virtualRow}
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {showDay && (
                    <div className={styles.dayDivider} role="separator">
                      <span>{formatDay(m.createdAt, timeZone)}</span>
                    </div>
                  )}
                  <MessageItem message={m} timeZone={timeZone} />
                </div>
              );
            })}
          </div>
        </div>
      )}
    </section>
  );
}

/**
 * The message log fills the rest of the window below it (the newest message visible without
 * scrolling the page, at laptop and phone sizes alike), never shorter than 320px.
 */
function useFitToViewport(ref: RefObject<HTMLElement | null>, active: boolean) {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!active || !el) return;
    const fit = () => {
      const top = el.getBoundingClientRect().top + window.scrollY;
      el.style.height = `${Math.max(320, Math.floor(window.innerHeight - top - 16))}px`;
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [ref, active]);
}
