import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Page not found' };

export default function DashboardNotFound() {
  return (
    <div className="empty" style={{ maxWidth: 560 }}>
      <h1>Page not found</h1>
      <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
      <p>
        <Link className="btn btn-primary" href="/conversations">
          Go to Conversations
        </Link>
      </p>
    </div>
  );
}
