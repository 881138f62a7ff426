import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertMailer } from '../alerts/mailer';
import { ProviderOtpSender } from '../identity/sender';
import { createMailer, sendMail } from './mail';
import { NotConfiguredError } from './not-configured';
import { sendSms, TwilioError, twilioConfigFromEnv } from './sms';

/**
 * The senders against real servers on loopback: an SMTP server (smtp-server, by nodemailer's
 * authors: a real SMTP implementation in-process, started on port 0, with AUTH, so nothing is
 * installed on the machine) and an HTTP stand-in for Twilio that checks each request exactly as
 * Twilio documents it and answers as Twilio does.
 */

interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
}

let smtp: SMTPServer;
let smtpPort = 0;
const mails: Received[] = [];

let twilio: Server;
let twilioBase = '';
const SID = 'AC00000000000000000000000000000017';
const TOKEN = 'twilio-test-token-17';
const sms: { to: string; from: string; body: string }[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    // Loopback only, so no TLS; in production SMTP_URL's server offers STARTTLS and nodemailer uses it.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === 's3cret') return cb(null, { user: auth.username });
      return cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  twilio = createServer(async (req, res) => {
    const fail = (status: number, code: number, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
    };
    const expectedPath = `/2010-04-01/Accounts/${SID}/Messages.json`;
    if (req.method !== 'POST' || req.url !== expectedPath) return fail(404, 20404, 'The requested resource was not found');
    if (req.headers.authorization !== `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`) return fail(401, 20003, 'Authenticate');
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return fail(400, 0, 'wrong content type');
    const form = new URLSearchParams(await body(req));
    const [to, from, text] = [form.get('To'), form.get('From'), form.get('Body')];
    if (!to || !from || !text) return fail(400, 21604, "A 'To' phone number is required.");
    if (to === '+15005550001') return fail(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    sms.push({ to, from, body: text });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sid: `SM${'0'.repeat(30)}${sms.length}`, status: 'queued', to, from, body: text, account_sid: SID }));
  });
  await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', () => resolve()));
  twilioBase = `http://127.0.0.1:${(twilio.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await new Promise<void>((resolve) => twilio?.close(() => resolve()));
});

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
  });
}

const smtpEnv = () => ({ SMTP_URL: `smtp://mailer:s3cret@127.0.0.1:${smtpPort}`, OTP_EMAIL_FROM: 'Home Services <codes@example.com>' });
const twilioEnv = () => ({
  TWILIO_ACCOUNT_SID: SID,
  TWILIO_AUTH_TOKEN: TOKEN,
  TWILIO_FROM: '+12145550199',
  TWILIO_API_BASE_URL: twilioBase,
});

describe('email over SMTP (nodemailer)', () => {
  it('sendMail delivers to a real SMTP server, authenticated, with from, to, subject and text', async () => {
    mails.length = 0;
    await sendMail({ to: 'owner@example.com', subject: 'Budget alert', text: 'Spend passed 80% of the monthly budget.' }, smtpEnv());
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.user).toBe('mailer');
    expect(m.from).toBe('codes@example.com');
    expect(m.to).toEqual(['owner@example.com']);
    expect(m.raw).toMatch(/^Subject: Budget alert$/m);
    expect(m.raw).toMatch(/^From: Home Services <codes@example\.com>$/m);
    expect(m.raw).toContain('Spend passed 80% of the monthly budget.');
  });

  it('a wrong password is an error from the server, not a silent success', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://mailer:wrong@127.0.0.1:${smtpPort}`, from: 'codes@example.com' });
    await expect(mailer.sendMail({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow(/Invalid username or password|auth/i);
    mailer.close();
  });

  it('without SMTP_URL it names the missing setting', async () => {
    await expect(sendMail({ to: 'a@example.com', subject: 's', text: 't' }, { OTP_EMAIL_FROM: 'x@example.com' })).rejects.toThrow(
      new NotConfiguredError(['SMTP_URL'], 'Emails'),
    );
  });

  it("budget alerts' mailer sends through the same SMTP server, and is absent without SMTP settings", async () => {
    mails.length = 0;
    expect(alertMailer({ OTP_EMAIL_FROM: 'x@example.com' })).toBeNull();
    const mailer = alertMailer(smtpEnv());
    expect(mailer).not.toBeNull();
    await mailer!.sendMail({ to: 'owner@example.com', subject: 'Budget alert: openai at 100%', text: 'Spend reached the monthly budget.' });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['owner@example.com']);
    expect(mails[0]!.raw).toMatch(/^Subject: Budget alert: openai at 100%$/m);
  });

  it('the OTP sender emails the code', async () => {
    mails.length = 0;
    await new ProviderOtpSender(smtpEnv()).send({ channel: 'email', to: 'visitor@example.com', code: '004217', expiresInMinutes: 10 });
    expect(mails[0]!.to).toEqual(['visitor@example.com']);
    expect(mails[0]!.raw).toMatch(/^Subject: Your verification code: 004217$/m);
    expect(mails[0]!.raw).toContain('Your Home Services verification code is 004217. It expires in 10 minutes.');
  });
});

describe("SMS over Twilio's REST API", () => {
  it("POSTs To, From and Body, form-encoded, with Basic auth, to the account's Messages.json", async () => {
    sms.length = 0;
    const r = await sendSms(twilioConfigFromEnv(twilioEnv())!, { to: '+12145550123', body: 'Code 123456 & more' });
    expect(r.sid).toMatch(/^SM/);
    expect(r.status).toBe('queued');
    expect(sms).toEqual([{ to: '+12145550123', from: '+12145550199', body: 'Code 123456 & more' }]);
  });

  it("Twilio's error JSON becomes an error with its code and message", async () => {
    const err = await sendSms(twilioConfigFromEnv(twilioEnv())!, { to: '+15005550001', body: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(TwilioError);
    expect(err.httpStatus).toBe(400);
    expect(err.twilioCode).toBe(21211);
    expect(err.message).toContain('is not a valid phone number');
  });

  it('a wrong token is refused by the stand-in as Twilio would (20003)', async () => {
    const config = { ...twilioConfigFromEnv(twilioEnv())!, authToken: 'nope' };
    await expect(sendSms(config, { to: '+12145550123', body: 'x' })).rejects.toMatchObject({ httpStatus: 401, twilioCode: 20003 });
  });

  it('the OTP sender texts the code; without Twilio settings it names them', async () => {
    sms.length = 0;
    await new ProviderOtpSender(twilioEnv()).send({ channel: 'sms', to: '+12145550124', code: '123456', expiresInMinutes: 10 });
    expect(sms[0]!.body).toBe('Your Home Services verification code is 123456. It expires in 10 minutes. Never share it.');
    const none = new ProviderOtpSender({});
    expect(none.missingSettings('sms')).toEqual(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']);
    await expect(none.send({ channel: 'sms', to: '+12145550124', code: '1', expiresInMinutes: 1 })).rejects.toBeInstanceOf(
      NotConfiguredError,
    );
  });
});
