'use client';

import { usePrefetchInfiniteQuery, usePrefetchQuery } from '@tanstack/react-query';
import { useQueryStates } from 'nuqs';
import { Suspense, useEffect } from 'react';
import { EmptyState, QueryBoundary, Skeleton } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { Appointments } from './appointments';
import styles from './bookings.module.css';
import { CustomerCard } from './customer-card';
import { CustomerSearch } from './customer-search';
import { appointmentsInput, BOOKINGS_FILTER_KEYS, bookingsSearchParams, tabCountsInputOf as tabCountsInput } from '@/lib/contract/bookings';

export function BookingsView({ timeZone, timeZoneLabel }: { timeZone: string; timeZoneLabel: string }) {
  const [params, setParams] = useQueryStates(bookingsSearchParams);
  const customer = params.customer;

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Bookings</h1>
          <p className="muted" style={{ margin: 0 }}>
            Find a customer, then see their appointments. Dates and times in {timeZoneLabel}.
          </p>
        </div>
      </div>

      <div className="card" role="search" aria-label="Customers">
        <CustomerSearch
          onPick={(c) => {
            // A new customer starts on Upcoming without the previous one's filters; Back returns to them.
            void setParams(
              { customer: c.id, tab: null, ...Object.fromEntries(BOOKINGS_FILTER_KEYS.map((k) => [k, null])) },
              { history: 'push' },
            );
          }}
        />
      </div>

      {customer ? (
        <CustomerSection key={customer} customerId={customer} params={params} setParams={(p) => void setParams(p)} timeZone={timeZone} />
      ) : (
        <NoCustomer />
      )}
    </div>
  );
}

function NoCustomer() {
  // Nothing to load until a customer is chosen: the page's content is visible now.
  useEffect(() => {
    performance.mark('data-visible:bookings');
  }, []);
  return (
    <EmptyState title="Choose a customer to see their bookings">
      Type part of a name, a phone number in any format (e.g. 312 555 0142) or an email address above.
    </EmptyState>
  );
}

function CustomerSection({
  customerId,
  params,
  setParams,
  timeZone,
}: {
  customerId: number;
  params: Parameters<typeof Appointments>[0]['params'];
  setParams: Parameters<typeof Appointments>[0]['setParams'];
  timeZone: string;
}) {
  const trpc = useTRPC();
  // Start all three requests at once (one batched HTTP call), before anything suspends. After a
  // server render they are already in the cache and nothing is fetched.
  usePrefetchQuery(trpc.bookings.customer.queryOptions({ customerId }));
  usePrefetchQuery(trpc.bookings.tabCounts.queryOptions(tabCountsInput(customerId, params)));
  usePrefetchInfiniteQuery(
    trpc.bookings.byCustomer.infiniteQueryOptions(appointmentsInput(customerId, params), { getNextPageParam: (p) => p.nextCursor }),
  );

  return (
    <QueryBoundary>
      <Suspense fallback={<CardSkeleton />}>
        <div className={styles.customerLayout}>
          <CustomerCard customerId={customerId} timeZone={timeZone} />
          <QueryBoundary>
            <Appointments customerId={customerId} params={params} setParams={setParams} timeZone={timeZone} />
          </QueryBoundary>
        </div>
      </Suspense>
    </QueryBoundary>
  );
}

function CardSkeleton() {
  return (
    <div className={styles.customerLayout}>
      <div className="card">
        <Skeleton rows={4} height={20} label="Loading customer" />
      </div>
      <div className="card">
        <Skeleton rows={6} height={40} label="Loading appointments" />
      </div>
    </div>
  );
}
