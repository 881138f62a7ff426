import Link from 'next/link';
import { DATABASE_TAB_LABEL, DATABASE_TABS, type DatabaseTab } from '@/lib/contract/database';
import styles from './database.module.css';

/** The section links; loading.tsx draws them too (none marked current) so the skeleton sits where the section will. */
export function DatabaseTabs({ current }: { current: DatabaseTab | null }) {
  return (
    <nav className={styles.tabs} aria-label="Database sections">
      {DATABASE_TABS.map((t) => (
        <Link
          key={t}
          href={t === 'overview' ? '/database' : `/database?tab=${t}`}
          aria-current={t === current ? 'page' : undefined}
          prefetch={false}
        >
          {DATABASE_TAB_LABEL[t]}
        </Link>
      ))}
    </nav>
  );
}
