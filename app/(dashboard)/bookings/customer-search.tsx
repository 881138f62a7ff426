'use client';

import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import styles from './bookings.module.css';
import { formatPhone } from '@/lib/format-phone';
import { SEARCH_LIMIT } from '@/lib/contract/bookings';

export interface PickedCustomer {
  id: number;
  name: string;
}

/** The value, once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

/**
 * Customer lookup as you type: an ARIA 1.2 combobox (input + listbox). Arrow keys move through the
 * results, Enter picks, Escape closes (a second Escape clears). Searches 200 ms after the last key.
 */
export function CustomerSearch({ onPick }: { onPick: (c: PickedCustomer) => void }) {
  const trpc = useTRPC();
  const id = useId();
  const listboxId = `${id}-listbox`;
  const statusId = `${id}-status`;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listRef = useRef<HTMLUListElement>(null);

  const q = useDebounced(text.trim(), 200);
  const enabled = q.length > 0;
  const search = useInfiniteQuery({
    ...trpc.bookings.searchCustomers.infiniteQueryOptions(
      { q, limit: SEARCH_LIMIT },
      { enabled, getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
    // While the next keystroke's results load, the previous ones stay (no flicker).
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const first = search.data?.pages[0];
  const items = enabled ? (search.data?.pages.flatMap((p) => p.items) ?? []) : [];
  const typing = text.trim() !== q;
  const showList = open && text.trim().length > 0;

  // A new result set starts with nothing highlighted; keep the highlight in view.
  useEffect(() => setActive(-1), [q]);
  useEffect(() => {
    if (active < 0) return;
    listRef.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  function pick(index: number) {
    const c = items[index];
    if (!c) return;
    onPick({ id: c.id, name: c.name });
    // The search text stays: the person sees what they searched for, and can pick another match.
    setOpen(false);
    setActive(-1);
  }

  let status = '';
  if (showList) {
    if (search.isError) status = 'Search failed. Keep typing to try again.';
    else if (typing || (search.isFetching && !search.data)) status = 'Searching…';
    else if (first?.hint) status = first.hint;
    else if (first && items.length === 0)
      status = `No customer matches “${q}”. Check the spelling, or try the last digits of the phone number.`;
    else if (items.length)
      status = `${search.hasNextPage ? `First ${items.length}` : items.length} ${items.length === 1 ? 'customer' : 'customers'}: use ↑ ↓ and Enter to choose.`;
  }

  return (
    <div className={styles.search}>
      <label htmlFor={`${id}-input`} className={styles.searchLabel}>
        Find a customer
      </label>
      <input
        id={`${id}-input`}
        className={`input ${styles.searchInput}`}
        type="text"
        role="combobox"
        aria-expanded={showList && items.length > 0}
        aria-controls={listboxId}
        aria-autocomplete="list"
        aria-activedescendant={showList && active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-describedby={statusId}
        data-testid="customer-search"
        placeholder="Name, phone number or email…"
        autoComplete="off"
        spellCheck={false}
        maxLength={100}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            if (items.length) setActive((a) => (a + 1) % items.length);
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
            if (items.length) setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
          } else if (e.key === 'Home' && showList && items.length) {
            e.preventDefault();
            setActive(0);
          } else if (e.key === 'End' && showList && items.length) {
            e.preventDefault();
            setActive(items.length - 1);
          } else if (e.key === 'Enter') {
            if (showList && !typing && items.length) {
              e.preventDefault();
              pick(active >= 0 ? active : 0);
            }
          } else if (e.key === 'Escape') {
            e.preventDefault();
            if (showList) setOpen(false);
            else setText('');
          }
        }}
      />
      <div id={statusId} className={`muted ${styles.searchStatus}`} role="status" aria-live="polite">
        {status}
      </div>
      <ul
        id={listboxId}
        ref={listRef}
        role="listbox"
        aria-label="Matching customers"
        className={styles.listbox}
        hidden={!showList || items.length === 0}
        style={{ opacity: typing || search.isPlaceholderData ? 0.6 : 1 }}
      >
        {items.map((c, i) => (
          <li
            key={c.id}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            data-index={i}
            data-testid="customer-option"
            data-customer-id={c.id}
            className={styles.option}
            // Keep focus in the input so the listbox does not close before the click lands.
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => pick(i)}
          >
            <span className={styles.optionName}>{c.name}</span>
            <span className={styles.optionMeta}>
              {c.phone && <span className="mono">{formatPhone(c.phone)}</span>}
              {c.email && <span>{c.email}</span>}
            </span>
            {c.upcomingCount > 0 && (
              <span className="badge" style={{ justifySelf: 'end' }}>
                {c.upcomingCount} upcoming
              </span>
            )}
          </li>
        ))}
        {search.hasNextPage && (
          // Not an option (choosing it picks no customer): a button inside the popup, reached by mouse
          // or by Tab; Enter on the input still picks the highlighted customer.
          <li role="presentation" className={styles.more}>
            <button
              type="button"
              className="btn"
              data-testid="customer-search-more"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => void search.fetchNextPage()}
              disabled={search.isFetchingNextPage}
            >
              {search.isFetchingNextPage ? 'Loading…' : 'Show more'}
            </button>
          </li>
        )}
      </ul>
    </div>
  );
}
