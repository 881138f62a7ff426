import { notFound } from 'next/navigation';

// Any URL no page claims lands here, inside the dashboard layout, so the visitor gets the app's own
// not-found page with the sidebar (not the framework's bare 404). Its status is still 404.
export default function MissingPage(): never {
  notFound();
}
