/**
 * How a one-time code reaches a person. The OTP flow only knows this interface; the console
 * implementation serves development and tests, a real SMS or email provider plugs in here.
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
