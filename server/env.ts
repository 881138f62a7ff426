import { z } from 'zod';

/**
 * The server's environment, parsed once at first use with a message that says what is missing.
 * Lazy on purpose: `next build` imports route modules without a database configured.
 */
const schema = z.object({
  /** The app's connections; may be a transaction-mode pooler (PgBouncer, Neon's -pooler host, Supabase's 6543). */
  DATABASE_URL: postgresUrl('DATABASE_URL must be a postgres:// URL (npm start sets it for the embedded database)'),
  /** A direct (session) connection for what needs one: migrations, advisory locks, LISTEN. Defaults to DATABASE_URL. */
  DIRECT_DATABASE_URL: postgresUrl('DIRECT_DATABASE_URL must be a postgres:// URL of a direct (non-pooled) connection').optional(),
  /** A streaming replica for read-only procedures (optional). */
  DATABASE_REPLICA_URL: postgresUrl('DATABASE_REPLICA_URL must be a postgres:// URL of a read replica').optional(),
  /** A replica further behind than this is skipped: reads go to the primary until it catches up. */
  REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).default(5_000),
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
  /** How long an app statement waits for a lock before the request answers 503 (per transaction). */
  DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  /**
   * How long a request waits for a pool connection (and for its procedure's bulkhead) before 503.
   * Kept at 1 s so a request that waits here and then for a lock still answers within lock timeout + 1 s.
   */
  DB_POOL_WAIT_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /**
   * Milliseconds a signed-in session check may be answered from the server's memory instead of the
   * session table (server/session-cache.ts). Sign-out, revocation and role changes through this
   * server apply at once; made anywhere else (another instance, SQL), within this bound. 0: off.
   */
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** Seconds SIGTERM waits for in-flight requests before the pools are closed anyway. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
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
    .refine(
      (s) => !s || s.split(',').every((o) => !o.trim() || URL.canParse(o.trim())),
      'TRUSTED_ORIGINS must be comma-separated URLs such as https://dash.example.com',
    ),
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

function postgresUrl(message: string) {
  return z
    .string({ message })
    .trim()
    .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), message);
}

export type Env = z.infer<typeof schema>;

let parsed: Env | undefined;

export function env(): Env {
  if (parsed) return parsed;
  const result = schema.safeParse(emptyAsUnset(process.env));
  if (!result.success) {
    throw new Error(`Invalid server environment:\n${z.prettifyError(result.error)}`);
  }
  parsed = result.data;
  return parsed;
}

/** `FOO=` in a .env file or a compose file means "not set", not "set to the empty string". */
function emptyAsUnset(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

/** The URL for anything that needs a real session (migrations, advisory locks, LISTEN/NOTIFY). */
export function directDatabaseUrl(e: Env = env()): string {
  return e.DIRECT_DATABASE_URL ?? e.DATABASE_URL;
}

/** For tests: parse again after changing process.env. */
export function resetEnvForTests(): void {
  parsed = undefined;
}

/** The business time zone without requiring the rest of the environment (client-safe value). */
export function businessTimeZone(): string {
  return process.env.BUSINESS_TIME_ZONE || 'America/Chicago';
}
