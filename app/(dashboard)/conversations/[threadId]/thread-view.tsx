'use client';

import { ThreadApiCost } from '@/app/_components/api-cost';
import { useQueryClient, useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { type RefObject, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { QueryBoundary, Skeleton } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { ChannelBadge } from '../channel-badge';
import styles from '../conversations.module.css';
import { formatPhone } from '@/lib/format-phone';
import { dayKey, formatDateTime, formatDay } from '../format';
import { historyInputFromUrl } from '@/lib/contract/conversations';
import { useLiveThread } from '../live';
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
  const queryClient = useQueryClient();
  const router = useRouter();
  const searchParams = useSearchParams();
  const input = historyInputFromUrl(threadId, searchParams);
  const highlightId = input.aroundMessageId ?? null;
  const { data: thread } = useSuspenseQuery(trpc.conversations.byId.queryOptions({ threadId }));
  const historyOptions = trpc.conversations.history.infiniteQueryOptions(input, {
    getNextPageParam: (page) => page.nextCursor,
    getPreviousPageParam: (page) => page.prevCursor,
    // A refetch would re-run every loaded page in turn (a hundred for 5,000 messages): new
    // messages arrive by the live subscription instead (useLiveThread below).
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const {
    data,
    hasNextPage,
    fetchNextPage,
    isFetchingNextPage,
    isFetchNextPageError,
    hasPreviousPage,
    fetchPreviousPage,
    isFetchingPreviousPage,
  } = useSuspenseInfiniteQuery(historyOptions);
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

  // Opened at a search hit: that message in the middle of the view; otherwise the newest.
  const [ready, setReady] = useState(false);
  useLayoutEffect(() => {
    if (ready) return;
    const at = highlightId === null ? -1 : messages.findIndex((m) => m.id === highlightId);
    if (at >= 0) virtualizer.scrollToIndex(at, { align: 'center' });
    else virtualizer.scrollToEnd();
    setReady(true);
  }, [ready, virtualizer, highlightId, messages]);

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
  const loadNewer = useCallback(() => {
    if (hasPreviousPage && !isFetchingPreviousPage) void fetchPreviousPage();
  }, [hasPreviousPage, isFetchingPreviousPage, fetchPreviousPage]);

  // Live: new messages of this thread are fetched after the newest one shown and added at the
  // end, when the newest page is loaded (opened at a hit, the reader pages forward to them).
  const [unseen, setUnseen] = useState(0);
  const atEnd = useRef(true);
  const fetchingLive = useRef(false);
  const pullNew = useCallback(async () => {
    void queryClient.invalidateQueries({ queryKey: trpc.conversations.byId.queryKey({ threadId }) });
    const current = queryClient.getQueryData(historyOptions.queryKey);
    const first = current?.pages[0];
    if (!first || first.prevCursor || fetchingLive.current) return;
    if (!first.newestCursor) {
      void queryClient.invalidateQueries({ queryKey: historyOptions.queryKey });
      return;
    }
    fetchingLive.current = true;
    try {
      const page = await queryClient.fetchQuery({
        ...trpc.conversations.history.queryOptions({ threadId, cursor: first.newestCursor, direction: 'backward', limit: 100 }),
        staleTime: 0,
      });
      if (page.messages.length === 0) return;
      queryClient.setQueryData(historyOptions.queryKey, (old) =>
        old && old.pages[0] === first
          ? { pages: [{ ...page, nextCursor: null }, ...old.pages], pageParams: [first.newestCursor, ...old.pageParams] }
          : old,
      );
      if (!atEnd.current) setUnseen((n) => n + page.messages.length);
    } finally {
      fetchingLive.current = false;
    }
  }, [queryClient, trpc, threadId, historyOptions.queryKey]);
  useLiveThread(threadId, () => void pullNew());

  // Scrolling (or pressing Home) near the top loads the previous page by itself, once the view
  // has settled at the newest message.
  const autoLoad = useRef(false);
  useEffect(() => {
    const id = window.setTimeout(() => (autoLoad.current = true), 300);
    return () => window.clearTimeout(id);
  }, []);

  // The day of the message at the top of the view, pinned while scrolling through a long thread.
  // Hidden while that day's own divider is on screen at the top, so the two never overlap.
  const offset = virtualizer.scrollOffset ?? 0;
  const topItem = items.find((i) => i.end > offset + 8) ?? items[0];
  const topMessage = topItem ? messages[topItem.index] : undefined;
  const topPrev = topItem && topItem.index > 0 ? messages[topItem.index - 1] : undefined;
  const dividerShowing =
    !!topItem &&
    (!topPrev || dayKey(topPrev.createdAt, timeZone) !== dayKey(topMessage!.createdAt, timeZone)) &&
    topItem.start >= offset - 4;
  const stickyDay = topMessage && !dividerShowing ? formatDay(topMessage.createdAt, timeZone) : null;

  const olderLabel = isFetchingNextPage ? 'Loading older messages…' : 'Load older messages';
  const toNewest = () => {
    setUnseen(0);
    if (hasPreviousPage) router.replace(`/conversations/${threadId}`, { scroll: false });
    else virtualizer.scrollToEnd();
  };
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
          <label className={styles.inlineField}>
            <span>Jump to</span>
            <input
              className="input"
              type="date"
              data-testid="jump-to-date"
              value={input.aroundDay ?? ''}
              onChange={(e) => {
                const day = e.target.value;
                if (/^\d{4}-\d{2}-\d{2}$/.test(day)) router.replace(`/conversations/${threadId}?date=${day}`, { scroll: false });
              }}
            />
          </label>
          {hasNextPage && (
            <button type="button" className="btn" data-testid="load-older" onClick={loadOlder} disabled={isFetchingNextPage}>
              <span aria-hidden="true">↑</span> {olderLabel}
            </button>
          )}
          <button type="button" className="btn" onClick={toNewest} disabled={messages.length === 0}>
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
        <div className={styles.scrollWrap}>
          {stickyDay && (
            <div className={styles.stickyDay} aria-hidden="true" data-testid="sticky-day">
              {stickyDay}
            </div>
          )}
          <div
            ref={scrollRef}
            className={styles.scroller}
            role="log"
            aria-label="Messages, oldest at the top, newest at the bottom"
            aria-busy={isFetchingNextPage || isFetchingPreviousPage}
            tabIndex={0}
            onScroll={(e) => {
              // Read the element itself: React's handler runs before the virtualizer has seen this
              // scroll event, so its own offset would still be the previous one.
              const el = e.currentTarget;
              const fits = el.scrollHeight - el.clientHeight <= 80;
              const fromEnd = el.scrollHeight - el.clientHeight - el.scrollTop;
              atEnd.current = fromEnd <= 80;
              if (atEnd.current && unseen) setUnseen(0);
              if (autoLoad.current && !fits && el.scrollTop < 200) loadOlder();
              if (autoLoad.current && !fits && fromEnd < 200) loadNewer();
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
                    <MessageItem message={m} timeZone={timeZone} highlighted={m.id === highlightId} />
                  </div>
                );
              })}
            </div>
          </div>
          {unseen > 0 && (
            <button type="button" className={`btn btn-primary ${styles.newPill}`} data-testid="new-messages-pill" onClick={toNewest}>
              {unseen} new {unseen === 1 ? 'message' : 'messages'} <span aria-hidden="true">↓</span>
            </button>
          )}
          {hasPreviousPage && (
            <button type="button" className={`btn ${styles.newPill}`} onClick={loadNewer} disabled={isFetchingPreviousPage}>
              {isFetchingPreviousPage ? 'Loading newer…' : 'Load newer messages ↓'}
            </button>
          )}
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
