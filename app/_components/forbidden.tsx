import Link from 'next/link';

export function Forbidden() {
  return (
    <div className="error-box" role="alert" style={{ maxWidth: 560 }}>
      <h1>🔒 Admins only</h1>
      <p>
        This page is only available to admins. Ask an admin if you need access, or go back to{' '}
        <Link href="/conversations">Conversations</Link>.
      </p>
    </div>
  );
}
