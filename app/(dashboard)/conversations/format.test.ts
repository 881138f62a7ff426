import { describe, expect, it } from 'vitest';
import { dayKey, describeScope, formatListTime, formatTime, parseTranscript, wordCount } from './format';

const TZ = 'America/Chicago';

describe('conversation formatting', () => {
  it('cuts days in the business time zone, not UTC', () => {
    // 03:30 UTC on Jan 14 is still Jan 13 in Chicago (UTC-6).
    expect(dayKey(new Date('2026-01-14T03:30:00Z'), TZ)).toBe('2026-01-13');
    expect(formatTime(new Date('2026-01-14T03:30:00Z'), TZ)).toBe('9:30 PM');
  });

  it('shows the time for today, the date this year, the year otherwise', () => {
    const now = new Date('2026-06-15T18:00:00Z');
    expect(formatListTime(new Date('2026-06-15T14:05:00Z'), now, TZ)).toBe('9:05 AM');
    expect(formatListTime(new Date('2026-03-02T14:05:00Z'), now, TZ)).toBe('Mar 2');
    expect(formatListTime(new Date('2025-12-24T14:05:00Z'), now, TZ)).toBe('Dec 24, 2025');
  });

  it('keeps speakers of a labelled transcript', () => {
    expect(parseTranscript('Caller: Hi, my sink leaks.\nAgent: When did it start?\n\n  continued here ')).toEqual([
      { speaker: 'Caller', text: 'Hi, my sink leaks.' },
      { speaker: 'Agent', text: 'When did it start?' },
      { speaker: null, text: 'continued here' },
    ]);
  });

  it('cuts an unlabelled transcript into sentences', () => {
    expect(parseTranscript('Hi, yeah, I am calling about the AC. It is 82 in here! Can you come at 3? thanks')).toEqual([
      { speaker: null, text: 'Hi, yeah, I am calling about the AC.' },
      { speaker: null, text: 'It is 82 in here!' },
      { speaker: null, text: 'Can you come at 3? thanks' },
    ]);
    expect(wordCount('  one two\nthree ')).toBe(3);
  });
});

describe('describeScope: the filters the message hits honour, in words', () => {
  it('says nothing without a filter, and names each one that applies', () => {
    expect(describeScope({})).toBeNull();
    expect(describeScope({ channel: 'voice' })).toBe('calls');
    expect(describeScope({ status: 'open' })).toBe('messages in open conversations');
    expect(describeScope({ waiting: true, status: 'open' })).toBe('messages in waiting-on-us conversations');
    expect(describeScope({ from: '2026-09-01' })).toBe('messages written on or after 2026-09-01');
    expect(describeScope({ to: '2026-09-30' })).toBe('messages written on or before 2026-09-30');
    expect(describeScope({ channel: 'sms', customerId: 7, status: 'closed', from: '2026-09-01', to: '2026-09-30' })).toBe(
      'SMS messages written 2026-09-01 to 2026-09-30 in this customer’s closed conversations',
    );
  });
});
