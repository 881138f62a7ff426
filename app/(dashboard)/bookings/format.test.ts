import { describe, expect, it } from 'vitest';
import { describeTimeZone, formatDate, formatMoney, formatTime } from './format';
import {
  appointmentsInput,
  dateRangeOf as dateRange,
  bookingsFilterParams,
  bookingsSearchParams,
  effectiveStatus,
  isFiltered,
  loadBookingsSearchParams,
  NO_FILTERS,
  tabCountsInputOf as tabCountsInput,
} from '@/lib/contract/bookings';

describe('formatting', () => {
  it('prints integer cents as dollars', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(4900)).toBe('$49.00');
    expect(formatMoney(123456789)).toBe('$1,234,567.89');
    expect(formatMoney(null)).toBe('—');
  });

  it('prints dates and times in the business time zone, naming the zone', () => {
    const d = new Date('2026-03-08T15:30:00Z'); // the day US daylight time starts
    expect(formatDate(d, 'America/Chicago')).toBe('Sun, Mar 8, 2026');
    expect(formatTime(d, 'America/Chicago')).toBe('10:30 AM CDT');
    expect(formatTime(new Date('2026-03-08T05:30:00Z'), 'America/Chicago')).toBe('11:30 PM CST');
    // Late evening in Chicago is already tomorrow in UTC: the Chicago day is shown.
    expect(formatDate(new Date('2026-01-02T03:00:00Z'), 'America/Chicago')).toBe('Thu, Jan 1, 2026');
    expect(describeTimeZone('America/Chicago')).toBe('Central Time (America/Chicago)');
  });
});

describe('URL state', () => {
  it('reads a shared link, ignoring what is not valid', async () => {
    expect(
      await loadBookingsSearchParams({
        customer: '42',
        tab: 'past',
        status: 'completed',
        technician: 'Grace Kim',
        from: '2026-01-01',
        to: '2026-01-31',
      }),
    ).toEqual({
      customer: 42,
      tab: 'past',
      status: 'completed',
      technician: 'Grace Kim',
      from: '2026-01-01',
      to: '2026-01-31',
    });
    for (const customer of ['12abc', '-1', '0', '1e3', '1.5', '99999999999999999', ' 1']) {
      expect((await loadBookingsSearchParams({ customer })).customer, customer).toBeNull();
    }
    expect(await loadBookingsSearchParams({ tab: 'future', status: 'lost', from: '2026-02-30', to: 'yesterday' })).toEqual({
      customer: null,
      tab: 'upcoming',
      status: null,
      technician: null,
      from: null,
      to: null,
    });
  });

  it('builds the inputs the API accepts: a reversed range is swapped, a status the tab cannot hold is dropped', () => {
    expect(dateRange({ from: '2026-02-01', to: '2026-01-01' })).toEqual({ from: '2026-01-01', to: '2026-02-01' });
    expect(effectiveStatus({ tab: 'upcoming', status: 'cancelled' })).toBeNull();
    expect(effectiveStatus({ tab: 'past', status: 'no_show' })).toBe('no_show');
    expect(effectiveStatus({ tab: 'cancelled', status: 'completed' })).toBeNull();
    expect(appointmentsInput(7, { tab: 'upcoming', status: 'completed', technician: null, from: null, to: '2026-01-01' })).toEqual({
      customerId: 7,
      tab: 'upcoming',
      status: null,
      technician: null,
      from: null,
      to: '2026-01-01',
      limit: 20,
    });
    // A technician from the URL is trimmed; an empty one is no filter.
    expect(
      appointmentsInput(7, { tab: 'past', status: null, technician: `  D'Angelo "Dee" Smith `, from: null, to: null }).technician,
    ).toBe(`D'Angelo "Dee" Smith`);
    expect(tabCountsInput(7, { from: null, to: null, technician: '   ' }).technician).toBeNull();
    expect(tabCountsInput(7, { from: '2026-03-01', to: '2026-02-01', technician: null })).toEqual({
      customerId: 7,
      technician: null,
      from: '2026-02-01',
      to: '2026-03-01',
    });
  });

  it('clears every filter of the URL and none of the rest, and knows when anything narrows the list', () => {
    // Every URL key except the customer and the tab is a filter, and "clear filters" empties all of them.
    expect(Object.keys(NO_FILTERS).sort()).toEqual(
      Object.keys(bookingsSearchParams)
        .filter((k) => k !== 'customer' && k !== 'tab')
        .sort(),
    );
    expect(Object.keys(NO_FILTERS)).toEqual(Object.keys(bookingsFilterParams));
    expect(Object.values(NO_FILTERS).every((v) => v === null)).toBe(true);
    const none = { tab: 'past' as const, ...NO_FILTERS };
    expect(isFiltered(none)).toBe(false);
    expect(isFiltered({ ...none, technician: 'Grace Kim' })).toBe(true);
    expect(isFiltered({ ...none, technician: '   ' })).toBe(false);
    expect(isFiltered({ ...none, to: '2026-01-01' })).toBe(true);
    expect(isFiltered({ ...none, status: 'no_show' })).toBe(true);
    // A status the tab cannot hold is ignored, so it does not count as a filter either.
    expect(isFiltered({ ...none, tab: 'upcoming', status: 'cancelled' })).toBe(false);
  });
});
