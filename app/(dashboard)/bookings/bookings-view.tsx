'use client';

import { useQueryStates } from 'nuqs';
import { Suspense, useEffect, useMemo } from 'react';
import { EmptyState, QueryBoundary, SkeletonCard } from '@/app/_components/states';
import { useTRPC } from '@/app/_trpc/client';
import { usePrefetchViewQueries } from '@/app/_trpc/view-queries';
import { Appointments } from './appointments';
import styles from './bookings.module.css';
import { CustomerCard } from './customer-card';
import { CustomerSearch } from './customer-search';
import { type BookingsParams, bookingsSearchParams, NO_FILTERS } from '@/lib/contract/bookings';
import { bookingsQueries } from './queries';
import { PageHeader } from '@/app/_components/page-header';

export function BookingsView({ timeZone, timeZoneLabel }: { timeZone: string; timeZoneLabel: string }) {
  const [params, setParams] = useQueryStates(bookingsSearchParams);
  const customer = params.customer;

  return (
    <div className="stack">
      <PageHeader title="Bookings" description={<>Find a customer, then see their appointments. Dates and times in {timeZoneLabel}.</>} />

      <div className="card" role="search" aria-label="Customers">
        <CustomerSearch
          onPick={(c) => {
            // A new customer starts on Upcoming without the previous one's filters; Back returns to them.
            void setParams({ customer: c.id, tab: null, ...NO_FILTERS }, { history: 'push' });
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
  params: BookingsParams;
  setParams: Parameters<typeof Appointments>[0]['setParams'];
  timeZone: string;
}) {
  const trpc = useTRPC();
  // The view's queries, declared in queries.ts; a new object only when the URL's values change
  // (Appointments defers it to keep the current list on screen while the next one loads). Keyed by
  // value, so a new filter in the contract needs no edit here.
  const urlKey = JSON.stringify(params);
  const view = useMemo(() => {
    const p = JSON.parse(urlKey) as BookingsParams;
    return { tab: p.tab, queries: bookingsQueries(trpc, customerId, p) };
  }, [trpc, customerId, urlKey]);
  // Every query of the view starts at once (one batched HTTP call), before anything suspends.
  // After a server render they are already in the cache and nothing is fetched.
  usePrefetchViewQueries(view.queries);

  return (
    <QueryBoundary>
      <Suspense fallback={<CardSkeleton />}>
        <div className={styles.customerLayout}>
          <CustomerCard query={view.queries.customer} timeZone={timeZone} />
          <QueryBoundary>
            <Appointments view={view} params={params} setParams={setParams} timeZone={timeZone} />
          </QueryBoundary>
        </div>
      </Suspense>
    </QueryBoundary>
  );
}

function CardSkeleton() {
  return (
    <div className={styles.customerLayout}>
      <SkeletonCard rows={4} height={20} label="Loading customer" />
      <SkeletonCard rows={6} height={40} label="Loading appointments" />
    </div>
  );
}
