// The page's one-line description, shared by the page and its loading.tsx so the header does not change
// while the sections stream in.
export const DATABASE_DESCRIPTION =
  "Indexes, tables and the plans of the dashboard's own queries. Every read gives up after 0.5 s waiting for a lock, so this page answers during migrations and says what it could not read.";
