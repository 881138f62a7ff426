// The page's one-line description, shared by the page and its loading.tsx so the header does not change
// when the data lands.
export const ATTRIBUTION_DESCRIPTION = 'Visitors whose first visit falls in the range, by source, and how far they went since.';
