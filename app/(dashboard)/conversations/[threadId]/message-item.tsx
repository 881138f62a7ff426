import { memo } from 'react';
import type { AuthorType, HistoryMessage } from '../types';
import { ChannelBadge } from '../channel-badge';
import styles from '../conversations.module.css';
import { formatDuration } from '@/lib/format-duration';
import { CHANNEL_LABELS, formatDateTime, formatTime, parseTranscript, wordCount } from '../format';

const AUTHOR_LABELS: Record<AuthorType, string> = {
  customer: 'Customer',
  staff: 'Staff',
  assistant: 'Assistant',
  system: 'System',
};

/**
 * One message: direction in words and an arrow (not only by side or colour), channel as a badge.
 * Memoised: the list re-renders on every scroll frame, its rows only when they first appear.
 */
export const MessageItem = memo(function MessageItem({
  message: m,
  timeZone,
  highlighted = false,
}: {
  message: HistoryMessage;
  timeZone: string;
  /** The search hit the thread was opened at. */
  highlighted?: boolean;
}) {
  const inbound = m.direction === 'inbound';
  const role = AUTHOR_LABELS[m.authorType];
  const who = m.authorName && m.authorName !== role ? `${m.authorName} · ${role}` : role;
  const when = formatDateTime(m.createdAt, timeZone);
  return (
    <article
      data-testid="message"
      data-message-id={m.id}
      data-direction={m.direction}
      data-highlighted={highlighted || undefined}
      className={`${styles.message} ${inbound ? styles.inbound : styles.outbound} ${highlighted ? styles.highlighted : ''}`}
      aria-label={`${inbound ? 'Received from' : 'Sent by'} ${who}, ${CHANNEL_LABELS[m.channel]}, ${when}`}
    >
      <div className={styles.bubble}>
        <header className={styles.meta}>
          <span className={styles.direction}>
            <span aria-hidden="true">{inbound ? '↘' : '↗'}</span> {inbound ? 'Received' : 'Sent'}
          </span>
          <ChannelBadge channel={m.channel} />
          <span className={styles.author}>{who}</span>
          <time dateTime={m.createdAt.toISOString()} title={when} className="muted">
            {formatTime(m.createdAt, timeZone)}
          </time>
        </header>
        {m.channel === 'voice' ? <VoiceCall message={m} /> : <p className={styles.body}>{m.body}</p>}
      </div>
    </article>
  );
});

function VoiceCall({ message: m }: { message: HistoryMessage }) {
  const lines = m.voiceTranscript ? parseTranscript(m.voiceTranscript) : [];
  const words = m.voiceTranscript ? wordCount(m.voiceTranscript) : 0;
  return (
    <div className={styles.voice}>
      <div>
        <strong>
          <span aria-hidden="true">📞</span> {m.direction === 'inbound' ? 'Incoming call' : 'Outgoing call'}
        </strong>
        {m.voiceDurationSeconds !== null && <> · {formatDuration({ seconds: m.voiceDurationSeconds })}</>}
      </div>
      {m.body && <p className={styles.body}>{m.body}</p>}
      {m.voiceRecordingUrl && (
        // preload="none": a long thread lists many calls; nothing downloads until play is pressed.
        <audio className={styles.audio} controls preload="none" src={m.voiceRecordingUrl} data-testid="call-recording">
          <a href={m.voiceRecordingUrl}>Download the recording</a>
        </audio>
      )}
      {lines.length > 0 && (
        <details className={styles.transcript} open={words <= 80}>
          <summary>
            Transcript · {words} {words === 1 ? 'word' : 'words'}
          </summary>
          <div className={styles.transcriptLines}>
            {lines.map((l, i) => (
              <p key={i}>
                {l.speaker && <strong>{l.speaker}: </strong>}
                {l.text}
              </p>
            ))}
          </div>
        </details>
      )}
    </div>
  );
}
