'use client';

import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import { Component, type ReactNode, startTransition } from 'react';
import { PageHeader } from './page-header';

/** Skeleton rows for a loading region; `label` is read by screen readers. */
export function Skeleton({ rows = 5, height = 18, label = 'Loading' }: { rows?: number; height?: number; label?: string }) {
  return (
    <div role="status" aria-live="polite" className="stack" style={{ gap: 8 }}>
      <span className="sr-only">{label}…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ height, width: `${90 - ((i * 13) % 30)}%` }} />
      ))}
    </div>
  );
}

/**
 * The one loading shape of a section: a card of skeleton rows as tall as the rows that replace them
 * (rows x height), so the page does not jump when the data lands. Every Suspense fallback and
 * loading.tsx builds from this.
 */
export function SkeletonCard({ rows, height, label, className }: { rows: number; height?: number; label: string; className?: string }) {
  return (
    <div className={className ? `card ${className}` : 'card'}>
      <Skeleton rows={rows} height={height} label={label} />
    </div>
  );
}

/**
 * A page's loading.tsx: the page's own header, same words (so it does not change when the page
 * lands), above its sections' skeletons, the same components its Suspense fallbacks use.
 */
export function PageSkeleton({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <div className="stack">
      <PageHeader title={title} description={description} />
      {children}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children && (
        <div className="muted" style={{ marginTop: 4 }}>
          {children}
        </div>
      )}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  const code = (error as { data?: { code?: string } })?.data?.code;
  return (
    <div className="error-box" role="alert">
      <strong>⚠ {code === 'FORBIDDEN' ? 'Not allowed' : code === 'NOT_FOUND' ? 'Not found' : 'Could not load this'}</strong>
      <div style={{ margin: '0.25rem 0 0.75rem' }}>{message}</div>
      {onRetry && code !== 'FORBIDDEN' && code !== 'NOT_FOUND' && (
        <button className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

class Boundary extends Component<{ children: ReactNode; onReset: () => void }, { error: unknown }> {
  state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  render() {
    if (this.state.error) {
      return (
        <ErrorState
          error={this.state.error}
          onRetry={() => {
            // In a transition: the retried content may suspend with no Suspense boundary around it
            // (the pages' prefetched sections have none), and then the error stays until it loads.
            startTransition(() => {
              this.props.onReset();
              this.setState({ error: null });
            });
          }}
        />
      );
    }
    return this.props.children;
  }
}

/**
 * Error boundary for a data region: shows the error with a retry that refetches.
 *
 * A section whose data the page prefetches and awaits on the server (conversations, schedule, cost
 * analytics) sits in one of these with no Suspense boundary: React 19.2 outlines a completed
 * boundary larger than 12.8 kB from the first HTML and reveals it no sooner than 300 ms after the
 * first paint (its reveal throttle), so the page painted its skeleton, then the data 0.3 s later.
 * The data is in the cache on arrival, and a change of filters, day or range renders a deferred
 * value, which may suspend without a fallback while the current content stays on screen.
 */
export function QueryBoundary({ children }: { children: ReactNode }) {
  const { reset } = useQueryErrorResetBoundary();
  return <Boundary onReset={reset}>{children}</Boundary>;
}
