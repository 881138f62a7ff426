/**
 * The one page header: the page's h1, a line saying what it shows, and optional controls on the
 * right (they wrap under it on a phone). A page's loading.tsx uses it too, with the same words,
 * so the header does not jump when the data lands.
 */
export function PageHeader({ title, description, children }: { title: string; description?: React.ReactNode; children?: React.ReactNode }) {
  return (
    <div className="page-head">
      <div>
        <h1>{title}</h1>
        {description && (
          <p className="muted" style={{ margin: 0 }}>
            {description}
          </p>
        )}
      </div>
      {children}
    </div>
  );
}
