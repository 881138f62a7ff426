'use client';

import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import { Component, type ReactNode } from 'react';

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
            this.props.onReset();
            this.setState({ error: null });
          }}
        />
      );
    }
    return this.props.children;
  }
}

/** Error boundary for a data region: shows the error with a retry that refetches. */
export function QueryBoundary({ children }: { children: ReactNode }) {
  const { reset } = useQueryErrorResetBoundary();
  return <Boundary onReset={reset}>{children}</Boundary>;
}
