import { createTransport, type Transporter } from 'nodemailer';
import { NotConfiguredError } from './not-configured';

/**
 * Email over SMTP with nodemailer: one transport per process (pooled connections, STARTTLS when
 * the server offers it, `smtps://` for implicit TLS). Configured by SMTP_URL
 * (smtp://user:pass@host:587) and a sender address, MAIL_FROM (OTP_EMAIL_FROM is accepted too,
 * as the address codes are sent from). Used for verification codes and alerts alike.
 */
export interface MailConfig {
  smtpUrl: string;
  from: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export function mailConfigFromEnv(env: NodeJS.Dict<string> = process.env): MailConfig | null {
  const smtpUrl = env.SMTP_URL?.trim();
  const from = (env.MAIL_FROM || env.OTP_EMAIL_FROM)?.trim();
  return smtpUrl && from ? { smtpUrl, from } : null;
}

/** The settings still missing for email, by name. */
export function missingMailSettings(env: NodeJS.Dict<string> = process.env): string[] {
  const missing: string[] = [];
  if (!env.SMTP_URL?.trim()) missing.push('SMTP_URL');
  if (!(env.MAIL_FROM || env.OTP_EMAIL_FROM)?.trim()) missing.push('OTP_EMAIL_FROM');
  return missing;
}

export interface Mailer {
  sendMail(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

export function createMailer(config: MailConfig): Mailer {
  const transport: Transporter = createTransport({
    url: config.smtpUrl,
    // A stuck SMTP server must not hold a request for minutes (nodemailer's defaults).
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async sendMail({ to, subject, text }) {
      const info = await transport.sendMail({ from: config.from, to, subject, text });
      return { messageId: String(info.messageId) };
    },
    close: () => transport.close(),
  };
}

const globalForMail = globalThis as unknown as { __mailer?: { key: string; mailer: Mailer } };

/**
 * Sends one email with the server's configuration; throws NotConfiguredError naming the missing
 * settings, or the SMTP error (the caller decides whether that is a 502 or a retry).
 */
export async function sendMail(message: MailMessage, env: NodeJS.Dict<string> = process.env): Promise<{ messageId: string }> {
  const config = mailConfigFromEnv(env);
  if (!config) throw new NotConfiguredError(missingMailSettings(env), 'Emails');
  const key = `${config.smtpUrl}\n${config.from}`;
  if (globalForMail.__mailer?.key !== key) {
    globalForMail.__mailer?.mailer.close();
    globalForMail.__mailer = { key, mailer: createMailer(config) };
  }
  return globalForMail.__mailer.mailer.sendMail(message);
}
