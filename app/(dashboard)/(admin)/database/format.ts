import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/root';

type Outputs = inferRouterOutputs<AppRouter>['database'];
type Data<T> = T extends { ok: true; data: infer D } ? D : never;

export type IndexSectionData = Data<Outputs['indexes']>;
export type IndexRow = IndexSectionData['indexes'][number];
export type Finding = IndexRow['findings'][number];
export type TableRow = Data<Outputs['tables']>['tables'][number];
export type PlanRow = Data<Outputs['queryPlans']>[number];
export type AnalyzeResult = Outputs['explainAnalyze'];

export { formatBytes } from '@/lib/format-bytes';

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return Math.round(n).toLocaleString('en-US');
}

export function formatShare(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(0)}%`;
}

/** "3 h ago", from the server's clock (passed down) so server and browser render the same text. */
export function formatAgo(at: Date | null, now: number): string {
  if (!at) return 'never';
  const s = Math.max(0, Math.round((now - at.getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** Absolute UTC time: the same on the server and in the browser. */
export function formatUtc(at: Date | null): string {
  return at ? `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'never';
}

export const SEVERITY_LABEL = { critical: 'Critical', warning: 'Warning', info: 'Info' } as const;
export const SEVERITY_ICON = { critical: '✖', warning: '⚠', info: 'ℹ' } as const;
export const SEVERITY_CLASS = { critical: 'badge-danger', warning: 'badge-warn', info: '' } as const;
export const KIND_LABEL: Record<Finding['kind'], string> = {
  invalid: 'Invalid',
  building: 'Building',
  missing: 'Missing',
  redundant: 'Redundant',
  unused: 'Unused',
  bloated: 'Bloated',
  visibility: 'Needs VACUUM',
};
export const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

export type OverviewCheck = Data<Outputs['overview']>['checks'][number];
export type ActivityData = Data<Outputs['activity']>;
export type ActivitySession = ActivityData['sessions'][number];

export const CHECK_STATUS = {
  critical: { label: 'Critical', icon: '✖', badge: 'badge-danger' },
  warning: { label: 'Warning', icon: '⚠', badge: 'badge-warn' },
  info: { label: 'Info', icon: 'ℹ', badge: '' },
  skipped: { label: 'Skipped', icon: '–', badge: '' },
  ok: { label: 'OK', icon: '✓', badge: 'badge-ok' },
} as const;

/** "42 s", "3 min", "2 h". */
export function formatSeconds(s: number | null): string {
  if (s === null) return '—';
  if (s < 90) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export type SuggestionSectionData = Data<Outputs['indexSuggestions']>;
export type SuggestionRow = Extract<SuggestionSectionData, { available: true }>['reports'][number];
