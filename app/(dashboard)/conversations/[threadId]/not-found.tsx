import Link from 'next/link';

export default function ThreadNotFound() {
  return (
    <div className="stack" style={{ maxWidth: 560 }}>
      <div className="empty">
        <strong>This conversation does not exist</strong>
        <div className="muted" style={{ margin: '0.25rem 0 0.75rem' }}>
          The link may be mistyped, or the conversation was deleted.
        </div>
        <Link className="btn" href="/conversations">
          <span aria-hidden="true">←</span> All conversations
        </Link>
      </div>
    </div>
  );
}
