import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { parseDestination } from '../identity/destination';
import { otpDeps, requestCode, verifyCode } from '../identity/otp';
import { takeRequestCodeSlot } from '../security/limits';
import { createRouter, publicProcedure } from '../trpc';

// Public on purpose: the visitor of a web chat has no staff session. What they hold is the thread's
// id (random, 122 bits), which the chat widget already uses to read and write the conversation.
const threadId = z.guid({ message: 'Thread id must be a UUID such as 0b7c4c8e-3f1a-4c55-9a43-1d2f6a9e8b10.' });

const destination = z
  .string({ message: 'Enter a phone number or an email address.' })
  .max(254, 'That is too long for a phone number or an email address.')
  .transform((s, ctx) => {
    const parsed = parseDestination(s);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: 'Enter a phone number (+1 214 555 0123) or an email address.' });
      return z.NEVER;
    }
    return parsed;
  });

const code = z
  .string({ message: 'Enter the 6-digit code.' })
  .max(20, 'Enter the 6-digit code.')
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code.'));

/** One message for every verification failure: wrong, expired, used up or never sent. */
export const VERIFY_FAILED = 'That code did not work. Check it, or request a new code.';

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function tooMany(seconds: number) {
  return new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many codes were requested. Try again in ${waitText(seconds)} (retry after ${seconds} s).`,
  });
}

export const identityRouter = createRouter({
  /** Sends a 6-digit code to the phone or email; the same answer whether or not a customer has it. */
  requestCode: publicProcedure.input(z.strictObject({ threadId, destination })).mutation(async ({ ctx, input }) => {
    const wait = await takeRequestCodeSlot(ctx.db, ctx.clientAddress);
    if (wait > 0) throw tooMany(wait);
    const r = await requestCode(ctx.db, otpDeps(), input);
    if (r.ok)
      return {
        sent: true as const,
        destinationType: r.destinationType,
        maskedDestination: r.maskedDestination,
        expiresInSeconds: r.expiresInSeconds,
      };
    if (r.reason === 'thread_not_found') throw new TRPCError({ code: 'NOT_FOUND', message: 'No conversation has this id.' });
    if (r.reason === 'rate_limited') throw tooMany(r.retryAfterSeconds);
    if (r.reason === 'not_configured') {
      const kind = input.destination.type === 'phone' ? 'Text messages' : 'Emails';
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: `${kind} cannot be sent from this server yet: ${r.missingSettings.join(', ')} ${r.missingSettings.length === 1 ? 'is' : 'are'} not set.`,
      });
    }
    throw new TRPCError({ code: 'BAD_GATEWAY', message: 'The code could not be sent right now. Try again in a minute.' });
  }),

  /** Checks the code; on success the conversation is linked to the customer with that phone or email. */
  verifyCode: publicProcedure.input(z.strictObject({ threadId, destination, code })).mutation(async ({ ctx, input }) => {
    const { ok } = await verifyCode(ctx.db, otpDeps(), input);
    if (!ok) throw new TRPCError({ code: 'BAD_REQUEST', message: VERIFY_FAILED });
    return { verified: true as const };
  }),
});
