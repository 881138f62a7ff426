// Formatting for the conversation screens. Everything takes the business time zone explicitly so
// the server's render and the browser's hydration print the same text.

import { dateTimeFormat as fmt } from '@/app/_components/date-format';

/** "2026-01-13": the calendar day in the business time zone (for grouping by day). */
export function dayKey(d: Date, timeZone: string): string {
  const parts = fmt(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "3:42 PM" */
export function formatTime(d: Date, timeZone: string): string {
  return fmt(timeZone, { hour: 'numeric', minute: '2-digit' }).format(d);
}

/** "Tuesday, January 13, 2026" */
export function formatDay(d: Date, timeZone: string): string {
  return fmt(timeZone, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(d);
}

/** "Jan 13, 2026, 3:42 PM": for titles and screen readers. */
export function formatDateTime(d: Date, timeZone: string): string {
  return fmt(timeZone, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(d);
}

/** A thread list's "last activity": the time today, the date this year, else the date with year. */
export function formatListTime(d: Date, now: Date, timeZone: string): string {
  if (dayKey(d, timeZone) === dayKey(now, timeZone)) return formatTime(d, timeZone);
  const sameYear = dayKey(d, timeZone).slice(0, 4) === dayKey(now, timeZone).slice(0, 4);
  return fmt(timeZone, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

export interface TranscriptLine {
  speaker: string | null;
  text: string;
}

/**
 * A transcript as readable lines. Lines with a short "Name:" prefix keep their speaker
 * ("Caller: Hi, my sink…" -> { speaker: 'Caller', text }). A transcript that is one run of text
 * (no speaker labels) is cut into sentences, one utterance per line.
 */
export function parseTranscript(transcript: string): TranscriptLine[] {
  const lines = transcript
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const parsed = lines.map((line) => {
    const m = /^([A-Za-z][\w .'-]{0,30}):\s+(.*)$/.exec(line);
    return m ? { speaker: m[1]!, text: m[2]! } : { speaker: null, text: line };
  });
  if (parsed.some((l) => l.speaker)) return parsed;
  return lines.flatMap((line) =>
    line
      .split(/(?<=[.!?])\s+(?=["'(\p{Lu}\d])/u)
      .filter(Boolean)
      .map((text) => ({ speaker: null, text })),
  );
}

/** Words in a text, for "Transcript · 42 words". */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export const CHANNEL_LABELS = { web: 'Web chat', sms: 'SMS', voice: 'Voice' } as const;
export const CHANNEL_ICONS = { web: '💬', sms: '📱', voice: '📞' } as const;

const CHANNEL_SCOPE = { web: 'web chat messages', sms: 'SMS messages', voice: 'calls' } as const;

/** The filters the hits honour, in words: the list's filters apply to the messages as well. */
export function describeScope(input: {
  channel?: 'web' | 'sms' | 'voice' | null;
  customerId?: number | null;
  status?: 'open' | 'closed' | null;
  waiting?: boolean | null;
  from?: string | null;
  to?: string | null;
}): string | null {
  const parts: string[] = [];
  parts.push(input.channel ? CHANNEL_SCOPE[input.channel] : 'messages');
  if (input.from && input.to) parts.push(`written ${input.from} to ${input.to}`);
  else if (input.from) parts.push(`written on or after ${input.from}`);
  else if (input.to) parts.push(`written on or before ${input.to}`);
  const threads = [
    input.customerId ? 'this customer’s' : null,
    input.waiting ? 'waiting-on-us' : input.status ? input.status : null,
  ].filter(Boolean);
  if (threads.length) parts.push(`in ${threads.join(' ')} conversations`);
  return parts.length > 1 || input.channel ? parts.join(' ') : null;
}
