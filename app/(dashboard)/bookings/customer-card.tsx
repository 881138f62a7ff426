'use client';

import { useSuspenseQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { CustomerApiCost } from '@/app/_components/api-cost';
import styles from './bookings.module.css';
import { formatPhone } from '@/lib/format-phone';
import { formatMonth } from './format';
import type { BookingsQueries } from './queries';

/** Who the customer is and how to reach them; links to their conversations. */
export function CustomerCard({ query, timeZone }: { query: BookingsQueries['customer']; timeZone: string }) {
  const { data: c } = useSuspenseQuery(query);
  return (
    <section className={`card ${styles.customerCard}`} data-testid="customer-card" aria-labelledby="customer-name">
      <div className={styles.cardHead}>
        <h2 id="customer-name" style={{ margin: 0 }}>
          {c.name}
        </h2>
        <span className="muted">
          Customer #{c.id} · since {formatMonth(c.createdAt, timeZone)}
        </span>
        <CustomerApiCost customerId={c.id} />
      </div>
      <dl className={styles.details}>
        <div>
          <dt>Service address</dt>
          <dd data-testid="service-address">
            {c.serviceAddress ? (
              <a
                href={`https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(c.serviceAddress)}`}
                target="_blank"
                rel="noreferrer"
              >
                {c.serviceAddress}
              </a>
            ) : (
              <span className="muted">none on file</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Phone</dt>
          <dd>
            {c.phone ? (
              <a href={`tel:${c.phone}`} className="mono">
                {formatPhone(c.phone)}
              </a>
            ) : (
              <span className="muted">none on file</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd className={styles.breakAll}>
            {c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : <span className="muted">none on file</span>}
          </dd>
        </div>
        <div>
          <dt>HousecallPro ID</dt>
          <dd className="mono">{c.housecallproId ?? <span className="muted">not linked</span>}</dd>
        </div>
        <div>
          <dt>Conversations</dt>
          <dd>
            {c.threadCount === 0 ? (
              <span className="muted">none yet</span>
            ) : (
              <span className="row" style={{ gap: '0.75rem' }}>
                {c.latestThreadId && <Link href={`/conversations/${c.latestThreadId}`}>Latest conversation</Link>}
                <Link href={`/conversations?customer=${c.id}`}>
                  All {c.threadCount} {c.threadCount === 1 ? 'conversation' : 'conversations'}
                </Link>
              </span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
