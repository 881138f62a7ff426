'use client';

import { useEffect, useRef, useState } from 'react';
import styles from './database.module.css';

/** A block of SQL (or a command) with a Copy button; the text stays selectable without a clipboard. */
export function SqlBlock({ sql, label = 'Fix', wrap = false }: { sql: string; label?: string; wrap?: boolean }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(sql);
      setState('copied');
    } catch {
      // No clipboard (plain http, permissions): select the text so Ctrl/Cmd+C works.
      const range = document.createRange();
      if (pre.current) range.selectNodeContents(pre.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setState('failed');
    }
  }

  return (
    <div className={styles.code}>
      <div className={styles.codeBar}>
        <span className="muted">{label}</span>
        <span className="row">
          <span className={`muted ${styles.copied}`} aria-live="polite">
            {state === 'copied' ? 'Copied' : state === 'failed' ? 'Selected: press Ctrl+C' : ''}
          </span>
          <button type="button" className="btn" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
            Copy
          </button>
        </span>
      </div>
      {/* Focusable: a long statement scrolls sideways on a phone, and keyboards must reach it too. */}
      <pre ref={pre} className={`${styles.pre} ${wrap ? styles.wrap : ''}`} tabIndex={0} aria-label={label}>
        {sql}
      </pre>
    </div>
  );
}
