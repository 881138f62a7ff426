export function Forbidden({ what }: { what: string }) {
  return (
    <div className="error-box" role="alert" style={{ maxWidth: 560 }}>
      <h1>🔒 Admins only</h1>
      <p>{what} is only available to admins. Ask an admin if you need access.</p>
    </div>
  );
}
