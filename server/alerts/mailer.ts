/**
 * The one seam between alert delivery and the SMTP sender of the security issue (17), whose
 * server/notify/mail.ts exports sendMail({to, subject, text}) over nodemailer and SMTP_URL. That
 * module is not on main yet: until it is, alertMailer() returns null and alerts go to the webhook
 * only (the email channel is simply not queued). Wiring it is one line here.
 */
export interface AlertMailer {
  sendMail(message: { to: string; subject: string; text: string }): Promise<unknown>;
}

export function alertMailer(): AlertMailer | null {
  return null;
}
