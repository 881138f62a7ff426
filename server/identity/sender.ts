import { missingMailSettings, sendMail } from '../notify/mail';
import { NotConfiguredError } from '../notify/not-configured';
import { missingTwilioSettings, sendSms, twilioConfigFromEnv } from '../notify/sms';

/**
 * How a one-time code reaches a person. The OTP flow only knows this interface: production sends
 * email over SMTP and SMS through Twilio (ProviderOtpSender); the console implementation serves
 * development and tests.
 */
export interface OtpMessage {
  channel: 'sms' | 'email';
  /** E.164 phone or lower-case email. */
  to: string;
  code: string;
  expiresInMinutes: number;
}

export interface OtpSender {
  readonly name: string;
  send(message: OtpMessage): Promise<void>;
  /** Settings missing to send on this channel ([] when it can send): checked before any code is issued. */
  missingSettings?(channel: OtpMessage['channel']): string[];
}

export function otpMessageText(m: Pick<OtpMessage, 'code' | 'expiresInMinutes'>): string {
  return `Your Home Services verification code is ${m.code}. It expires in ${m.expiresInMinutes} minutes. Never share it.`;
}

/**
 * Development and tests: prints the message instead of sending it, and keeps the last few so a
 * test (or a developer without a phone at hand) can read them back. Refuses to run in production,
 * where printing codes into the logs would hand them to anyone who can read logs.
 */
export class ConsoleOtpSender implements OtpSender {
  readonly name = 'console';
  readonly sent: OtpMessage[] = [];

  constructor(private readonly options: { silent?: boolean; keep?: number } = {}) {}

  async send(message: OtpMessage): Promise<void> {
    if (process.env.NODE_ENV === 'production' && process.env.OTP_ALLOW_CONSOLE_SENDER !== '1') {
      throw new Error('The console OTP sender is for development: configure a real sender in production.');
    }
    this.sent.push(message);
    const keep = this.options.keep ?? 100;
    if (this.sent.length > keep) this.sent.splice(0, this.sent.length - keep);
    if (!this.options.silent) console.info(`[otp:${message.channel}] to ${message.to}: ${otpMessageText(message)}`);
  }

  /** The newest code sent to `to`, if any. */
  lastCodeFor(to: string): string | undefined {
    for (let i = this.sent.length - 1; i >= 0; i--) if (this.sent[i]!.to === to) return this.sent[i]!.code;
    return undefined;
  }
}

/**
 * The real senders, configured by the environment and read at each send (so a fixed setting takes
 * effect without a restart): email with SMTP_URL + OTP_EMAIL_FROM (server/notify/mail.ts), SMS with
 * TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN + TWILIO_FROM (server/notify/sms.ts).
 */
export class ProviderOtpSender implements OtpSender {
  readonly name = 'provider';

  constructor(private readonly env: NodeJS.Dict<string> = process.env) {}

  missingSettings(channel: OtpMessage['channel']): string[] {
    return channel === 'email' ? missingMailSettings(this.env) : missingTwilioSettings(this.env);
  }

  async send(message: OtpMessage): Promise<void> {
    const missing = this.missingSettings(message.channel);
    if (missing.length > 0) throw new NotConfiguredError(missing, message.channel === 'email' ? 'Emails' : 'Text messages');
    const text = otpMessageText(message);
    if (message.channel === 'email') {
      await sendMail({ to: message.to, subject: `Your verification code: ${message.code}`, text }, this.env);
    } else {
      await sendSms(twilioConfigFromEnv(this.env)!, { to: message.to, body: text });
    }
  }
}

/**
 * The process's sender: the real providers, except in development and tests when a channel has no
 * provider configured, where codes are printed (OTP_ALLOW_CONSOLE_SENDER=1 allows that in a
 * production build, for demos; never with real customers).
 */
export function otpSenderFromEnv(env: NodeJS.Dict<string> = process.env): OtpSender {
  const provider = new ProviderOtpSender(env);
  const consoleAllowed = env.NODE_ENV !== 'production' || env.OTP_ALLOW_CONSOLE_SENDER === '1';
  if (!consoleAllowed) return provider;
  const fallback = new ConsoleOtpSender();
  return {
    name: 'provider-or-console',
    missingSettings: () => [],
    send: (m) => (provider.missingSettings(m.channel).length === 0 ? provider.send(m) : fallback.send(m)),
  };
}
