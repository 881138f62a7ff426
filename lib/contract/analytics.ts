import { z } from 'zod';

/**
 * The cost-analytics contract: inputs, enums and URL parsers shared by the router, the query
 * functions and the client components. No server code here.
 */

export const PRESETS = [7, 30, 90] as const;
export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 365;

export const costByServiceInput = z
  .strictObject({
    days: z
      .number({ message: `days must be a whole number of days from 1 to ${MAX_DAYS}` })
      .int(`days must be a whole number of days from 1 to ${MAX_DAYS}`)
      .min(1, 'days must be at least 1')
      .max(MAX_DAYS, `days can be at most ${MAX_DAYS}`)
      .default(DEFAULT_DAYS),
  })
  .prefault({});
export type CostByServiceInput = z.infer<typeof costByServiceInput>;

/** URL ?days= : "7" -> 7; anything else ("abc", "0", "1.5", "999") -> null (the default applies). */
export function parseDays(value: string): number | null {
  if (!/^\d{1,3}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= MAX_DAYS ? n : null;
}

/**
 * A fixed colour per service (design tokens --c1..--c8), the same on every range and page: the
 * known services have their own slot; any other name hashes to one, so it never depends on which
 * services a range happens to contain or their order.
 */
const SERVICE_SLOTS: Record<string, number> = {
  openai: 1,
  anthropic: 2,
  twilio_sms: 3,
  twilio_voice: 4,
  google_maps: 5,
  sendgrid_email: 6,
  deepgram_transcription: 7,
  elevenlabs_speech: 8,
};

export function serviceColor(service: string): string {
  let slot = SERVICE_SLOTS[service];
  if (slot === undefined) {
    let h = 0;
    for (let i = 0; i < service.length; i++) h = (Math.imul(h, 31) + service.charCodeAt(i)) | 0;
    slot = (Math.abs(h) % 8) + 1;
  }
  return `var(--c${slot})`;
}

/** The budget that covers all services together (stored under this key). */
export const TOTAL_BUDGET = '*';

const serviceName = z
  .string({ message: 'service must be a service name, or "*" for the total' })
  .trim()
  .min(1, 'service must not be empty')
  .max(64, 'service names are at most 64 characters');

const percent = (what: string) =>
  z
    .number({ message: `${what} must be a whole percentage` })
    .int(`${what} must be a whole percentage`)
    .min(1, `${what} must be at least 1%`)
    .max(1000, `${what} can be at most 1000%`);

export const setBudgetInput = z
  .strictObject({
    service: serviceName,
    /** Monthly budget in whole cents. */
    monthlyCents: z
      .number({ message: 'monthlyCents must be a whole number of cents' })
      .int('monthlyCents must be a whole number of cents')
      .min(1, 'a budget must be at least 1 cent')
      .max(100_000_000_00, 'a budget can be at most $100,000,000'),
    warnPercent: percent('warnPercent').default(80),
    alertPercent: percent('alertPercent').default(100),
    /** A day above this many times its trailing 7-day average fires a spike alert; null: no spike rule. */
    spikeMultiplier: z
      .number({ message: 'spikeMultiplier must be a number from 1.1 to 100' })
      .min(1.1, 'spikeMultiplier must be at least 1.1')
      .max(100, 'spikeMultiplier can be at most 100')
      .nullable()
      .default(null),
  })
  .refine((b) => b.warnPercent < b.alertPercent, { message: 'warnPercent must be below alertPercent', path: ['warnPercent'] });
export type SetBudgetInput = z.infer<typeof setBudgetInput>;

export const deleteBudgetInput = z.strictObject({ service: serviceName });

export const ALERT_LEVELS = ['warning', 'alert', 'spike'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export const alertHistoryInput = z
  .strictObject({
    limit: z
      .number({ message: 'limit must be a whole number from 1 to 200' })
      .int('limit must be a whole number from 1 to 200')
      .min(1, 'limit must be at least 1')
      .max(200, 'limit can be at most 200')
      .default(50),
  })
  .prefault({});

/**
 * What a service's `units` count, by name: the rollup adds units per service, and a service's
 * endpoints count one kind of thing (Google Maps bills geocodes and distance-matrix elements alike
 * per request-element). Units of different services are never added together.
 */
const SERVICE_UNITS: Record<string, string> = {
  openai: 'tokens',
  anthropic: 'tokens',
  twilio_sms: 'segments',
  twilio_voice: 'minutes',
  google_maps: 'requests',
  sendgrid_email: 'emails',
  deepgram_transcription: 'minutes',
  elevenlabs_speech: 'characters',
};

export function serviceUnit(service: string): string {
  return SERVICE_UNITS[service] ?? 'units';
}

/** The longest top-spenders list served (the server stores this many per window and cuts shorter lists from it). */
export const TOP_SPENDERS_MAX = 50;

export const topSpendersInput = z
  .strictObject({
    days: z
      .number({ message: `days must be a whole number of days from 1 to ${MAX_DAYS}` })
      .int(`days must be a whole number of days from 1 to ${MAX_DAYS}`)
      .min(1, 'days must be at least 1')
      .max(MAX_DAYS, `days can be at most ${MAX_DAYS}`)
      .default(DEFAULT_DAYS),
    limit: z
      .number({ message: `limit must be a whole number from 1 to ${TOP_SPENDERS_MAX}` })
      .int('limit must be a whole number')
      .min(1)
      .max(TOP_SPENDERS_MAX)
      .default(10),
  })
  .prefault({});

export const threadCostInput = z.strictObject({ threadId: z.uuid({ message: 'threadId must be a conversation id (a UUID)' }) });
export const customerCostInput = z.strictObject({
  customerId: z
    .number({ message: 'customerId must be a customer id' })
    .int('customerId must be a whole number')
    .positive('customerId must be positive'),
});
