'use client';

import type { ReactNode } from 'react';
import styles from './database.module.css';
import { Problems } from './problems';

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
