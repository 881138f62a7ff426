'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import { Suspense } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import styles from './webhooks.module.css';

/**
 * "Event type": every type the events table holds, "All types" (null) first. The events list's
 * filter and the bulk replay's both use it.
 *
 * Suspense, not useQuery: the types may land between the server's HTML and hydration, and options
 * the server did not render were a hydration mismatch (the page re-rendered). While they load, the
 * select shows the current choice, disabled.
 */
export function EventTypeField({ value, onChange }: { value: string | null; onChange: (type: string | null) => void }) {
  return (
    <Suspense fallback={<EventTypeSelect value={value} types={[]} disabled onChange={onChange} />}>
      <Loaded value={value} onChange={onChange} />
    </Suspense>
  );
}

function Loaded({ value, onChange }: { value: string | null; onChange: (type: string | null) => void }) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.webhooks.eventTypes.queryOptions());
  return <EventTypeSelect value={value} types={data} onChange={onChange} />;
}

function EventTypeSelect(props: { value: string | null; types: string[]; disabled?: boolean; onChange: (type: string | null) => void }) {
  // A chosen type that is not in the list (from the URL, or while loading) still shows rather than vanishing.
  const types = props.value && !props.types.includes(props.value) ? [props.value, ...props.types] : props.types;
  return (
    <label className={styles.field}>
      Event type
      <select
        className={`input ${styles.typeSelect}`}
        value={props.value ?? ''}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value || null)}
      >
        <option value="">All types</option>
        {types.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}
