/**
 * The one wrapper for data tables: on a narrow screen the table scrolls sideways inside it, with
 * edge shadows hinting at the hidden columns (.table-wrap in globals.css). It is a labelled,
 * focusable region so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function TableScroll({ label, className, children }: { label: string; className?: string; children: React.ReactNode }) {
  return (
    <div className={className ? `table-wrap ${className}` : 'table-wrap'} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
