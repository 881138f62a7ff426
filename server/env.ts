import { z } from 'zod';

/**
 * The server's environment, parsed once at first use with a message that says what is missing.
 * Lazy on purpose: `next build` imports route modules without a database configured.
 */
const schema = z.object({
  DATABASE_URL: z.url({ message: 'DATABASE_URL must be a postgres:// URL (npm start sets it for the embedded database)' }),
  BETTER_AUTH_SECRET: z
    .string({ message: 'BETTER_AUTH_SECRET is required: 32+ random characters (npm start generates one in .data/)' })
    .min(32, 'BETTER_AUTH_SECRET must be at least 32 characters'),
  BETTER_AUTH_URL: z.url().default('http://localhost:3000'),
  /** Days on the cost chart are cut in this zone: the business's own calendar, not UTC. */
  BUSINESS_TIME_ZONE: z
    .string()
    .default('America/Chicago')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'BUSINESS_TIME_ZONE must be an IANA time zone such as America/Chicago'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /**
   * Requests per minute per address on the auth endpoints other than sign-in (a flood guard; the
   * name is historical). Sign-in itself is limited by server/security/limits.ts.
   */
  AUTH_SIGNIN_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  /**
   * Other origins the dashboard is served at (comma-separated URLs), besides BETTER_AUTH_URL's:
   * sign-in and tRPC changes are accepted only from these.
   */
  TRUSTED_ORIGINS: z
    .string()
    .optional()
    .refine((s) => !s || s.split(',').every((o) => !o.trim() || URL.canParse(o.trim())), 'TRUSTED_ORIGINS must be comma-separated URLs such as https://dash.example.com'),
  /**
   * How many reverse proxies in front of the app append to X-Forwarded-For. 0 (default): the
   * client is the socket's peer and every X-Forwarded-For entry it sent is ignored.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Shared secret of HousecallPro webhook signatures. Optional: unset, only the webhook endpoint is off (503). */
  HOUSECALLPRO_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((s) => s?.trim() || undefined),
});

export type Env = z.infer<typeof schema>;

let parsed: Env | undefined;

export function env(): Env {
  if (parsed) return parsed;
  const result = schema.safeParse(process.env);
  if (!result.success) {
    throw new Error(`Invalid server environment:\n${z.prettifyError(result.error)}`);
  }
  parsed = result.data;
  return parsed;
}

/** The business time zone without requiring the rest of the environment (client-safe value). */
export function businessTimeZone(): string {
  return process.env.BUSINESS_TIME_ZONE || 'America/Chicago';
}
