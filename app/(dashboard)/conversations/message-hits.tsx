'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/app/_trpc/client';
import { formatPhone } from '@/lib/format-phone';
import { MARK_END, MARK_START, type messageSearchInputSchema } from '@/lib/contract/conversations';
import type { z } from 'zod';
import { ChannelBadge } from './channel-badge';
import styles from './conversations.module.css';
import { describeScope, formatDateTime } from './format';

/** The messages and call transcripts a search matched, each opening its thread at that message. */
export function MessageHits({
  input,
  timeZone,
  stale,
}: {
  input: z.input<typeof messageSearchInputSchema>;
  timeZone: string;
  stale: boolean;
}) {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.conversations.searchMessages.queryOptions(input));
  const scope = describeScope(input);
  return (
    <section className={`card ${styles.listCard}`} aria-labelledby="hits-heading" aria-busy={stale} style={{ opacity: stale ? 0.6 : 1 }}>
      <div className={styles.listHead}>
        <strong id="hits-heading">Messages and calls</strong>
        <span className="muted" data-testid="hits-count">
          {data.hits.length === 0
            ? 'no message says this'
            : data.capped
              ? `best ${data.hits.length} of the newest matches`
              : `${data.hits.length} ${data.hits.length === 1 ? 'match' : 'matches'}`}
        </span>
      </div>
      {scope && (
        <p className={`muted ${styles.hitsScope}`} data-testid="hits-scope">
          Only {scope}.
        </p>
      )}
      {data.hits.length > 0 && (
        <ul className={styles.threadList} aria-label="Matching messages">
          {data.hits.map((h) => (
            <li key={h.messageId}>
              <Link
                href={`/conversations/${h.threadId}?m=${h.messageId}`}
                prefetch={false}
                className={styles.threadRow}
                data-testid="message-hit"
                data-message-id={h.messageId}
              >
                <div className={styles.threadTop}>
                  <span className={styles.who}>
                    <strong className={h.customerName ? undefined : styles.anonymous}>{h.customerName ?? 'Anonymous'}</strong>
                    {h.phone && <span className="muted mono">{formatPhone(h.phone)}</span>}
                    <span className="badge">matched {h.channel === 'voice' ? 'call' : 'message'}</span>
                  </span>
                  <time className={`muted ${styles.threadTime}`} dateTime={h.createdAt.toISOString()}>
                    {formatDateTime(h.createdAt, timeZone)}
                  </time>
                </div>
                <div className={styles.threadBottom}>
                  <span className={styles.badges}>
                    <ChannelBadge channel={h.channel} />
                  </span>
                  <span className={styles.snippet}>
                    <Snippet text={h.snippet} />
                  </span>
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** ts_headline's text with the matched words in <mark>: split on the private-use markers, no HTML. */
function Snippet({ text }: { text: string }) {
  const parts: React.ReactNode[] = [];
  let rest = text;
  let key = 0;
  while (rest) {
    const s = rest.indexOf(MARK_START);
    if (s < 0) break;
    const e = rest.indexOf(MARK_END, s);
    if (e < 0) break;
    parts.push(rest.slice(0, s), <mark key={key++}>{rest.slice(s + 1, e)}</mark>);
    rest = rest.slice(e + 1);
  }
  parts.push(rest);
  return <>{parts}</>;
}
