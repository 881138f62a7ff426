'use client';

import type { ReactNode } from 'react';
import type { Section } from '@/server/queries/db-health-guard';
import styles from './database.module.css';
import { Problems } from './problems';

/**
 * A consistency check from its query's result: the card below, with the result rendered by
 * `children` only when the check ran (not skipped, not failed). Both checks are this shell.
 */
export function ConsistencyCheck<T extends { checked: boolean; reason?: string }>({
  query,
  children,
  ...section
}: {
  id: string;
  title: string;
  problemTitle: string;
  query: { data: Section<T>; refetch: () => unknown; isFetching: boolean };
  children: (check: Extract<T, { checked: true }>) => ReactNode;
}) {
  const check = query.data.ok ? query.data.data : null;
  return (
    <CheckSection
      {...section}
      problems={query.data.problems}
      skipped={check && !check.checked ? (check.reason ?? 'Not checked') : null}
      onRecheck={() => void query.refetch()}
      checking={query.isFetching}
    >
      {check?.checked && children(check as Extract<T, { checked: true }>)}
    </CheckSection>
  );
}

/** "✓ Consistent" or "✖ N <noun>" (the checks stop at 100: "100+"), then what that means. */
export function Verdict({ mismatches, noun, children }: { mismatches: number; noun: string; children: ReactNode }) {
  return (
    <p style={{ margin: 0 }} role="status">
      {mismatches === 0 ? (
        <span className="badge badge-ok">✓ Consistent</span>
      ) : (
        <span className="badge badge-danger">
          ✖ {mismatches === 100 ? '100+' : mismatches} {noun}
        </span>
      )}{' '}
      {children}
    </p>
  );
}

/**
 * A consistency check's card: its heading, a "Check again" button, what could not be read and,
 * when the check was skipped (a table locked), why; then the result.
 */
export function CheckSection({
  id,
  title,
  problems,
  problemTitle,
  skipped,
  onRecheck,
  checking,
  children,
}: {
  id: string;
  title: string;
  problems: string[];
  problemTitle: string;
  /** Why the check did not run, when it did not. */
  skipped: string | null;
  onRecheck: () => void;
  checking: boolean;
  children: ReactNode;
}) {
  return (
    <section className={`card ${styles.section}`} aria-labelledby={id}>
      <div className={styles.sectionHead}>
        <h2 id={id}>{title}</h2>
        <button type="button" className="btn" onClick={onRecheck} disabled={checking}>
          {checking ? 'Checking…' : 'Check again'}
        </button>
      </div>
      <Problems problems={problems} title={problemTitle} />
      {skipped && <Problems problems={[skipped]} title="Not checked" />}
      {children}
    </section>
  );
}
