import { mailConfigFromEnv, sendMail } from '../notify/mail';

/**
 * The seam between alert delivery and the SMTP sender (server/notify/mail.ts, nodemailer over
 * SMTP_URL, the same one verification codes use). Without SMTP_URL and a sender address there is
 * no email channel, and alerts go to the webhook only.
 */
export interface AlertMailer {
  sendMail(message: { to: string; subject: string; text: string }): Promise<unknown>;
}

export function alertMailer(env: NodeJS.Dict<string> = process.env): AlertMailer | null {
  if (!mailConfigFromEnv(env)) return null;
  return { sendMail: (message) => sendMail(message, env) };
}
