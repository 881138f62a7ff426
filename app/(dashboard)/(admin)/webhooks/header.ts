// The page's one-line description, shared by the page and its loading.tsx so the header does not change
// when the data lands.
export const WEBHOOKS_DESCRIPTION = 'HousecallPro deliveries and the queue that applies them to customers and bookings.';
