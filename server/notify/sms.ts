import { NotConfiguredError } from './not-configured';

/**
 * SMS through Twilio's Programmable Messaging REST API, with fetch (an SDK would add megabytes for
 * one POST): POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic
 * AccountSid:AuthToken, form-encoded To, From, Body; 201 with the message resource, or 4xx/5xx with
 * Twilio's error JSON ({ code, message, more_info, status }).
 */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** An E.164 number or a Messaging Service SID (MG...). */
  from: string;
  /** https://api.twilio.com unless TWILIO_API_BASE_URL says otherwise (tests, regional edges). */
  baseUrl: string;
}

export function twilioConfigFromEnv(env: NodeJS.Dict<string> = process.env): TwilioConfig | null {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim();
  const authToken = env.TWILIO_AUTH_TOKEN?.trim();
  const from = env.TWILIO_FROM?.trim();
  if (!accountSid || !authToken || !from) return null;
  return { accountSid, authToken, from, baseUrl: (env.TWILIO_API_BASE_URL?.trim() || 'https://api.twilio.com').replace(/\/+$/, '') };
}

export function missingTwilioSettings(env: NodeJS.Dict<string> = process.env): string[] {
  return ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'].filter((k) => !env[k]?.trim());
}

export class TwilioError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly twilioCode: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioError';
  }
}

export async function sendSms(
  config: TwilioConfig,
  message: { to: string; body: string },
  fetchImpl: typeof fetch = fetch,
): Promise<{ sid: string; status: string }> {
  const url = `${config.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const from: Record<string, string> = config.from.startsWith('MG') ? { MessagingServiceSid: config.from } : { From: config.from };
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ To: message.to, ...from, Body: message.body }).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const json = (await res.json().catch(() => null)) as { sid?: string; status?: string; code?: number; message?: string } | null;
  if (res.status !== 201 && res.status !== 200) {
    throw new TwilioError(
      res.status,
      json?.code ?? null,
      `Twilio answered ${res.status}${json?.code ? ` (error ${json.code})` : ''}: ${json?.message ?? 'no message'}`,
    );
  }
  if (!json?.sid) throw new TwilioError(res.status, null, 'Twilio answered without a message sid');
  return { sid: json.sid, status: json.status ?? 'queued' };
}

/** sendSms with the server's configuration; NotConfiguredError names what is missing. */
export async function sendSmsFromEnv(message: { to: string; body: string }, env: NodeJS.Dict<string> = process.env) {
  const config = twilioConfigFromEnv(env);
  if (!config) throw new NotConfiguredError(missingTwilioSettings(env), 'Text messages');
  return sendSms(config, message);
}
