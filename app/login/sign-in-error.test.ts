import { describe, expect, it } from 'vitest';
import { signInErrorText } from './sign-in-error';

const base = { signInUrl: 'http://localhost:3000/login', here: 'http://127.0.0.1:3000' };

describe('what the sign-in form says', () => {
  it('wrong credentials', () => {
    expect(signInErrorText({ ...base, status: 401, code: 'INVALID_EMAIL_OR_PASSWORD' })).toBe('Email or password is incorrect.');
  });
  it('too many attempts, with the wait', () => {
    expect(signInErrorText({ ...base, status: 429, retryAfter: '8' })).toBe('Too many sign-in attempts. Try again in 8 seconds.');
    expect(signInErrorText({ ...base, status: 429, retryAfter: '61' })).toBe('Too many sign-in attempts. Try again in 2 minutes.');
    expect(signInErrorText({ ...base, status: 429, retryAfter: null })).toBe('Too many sign-in attempts. Try again in a minute.');
  });
  it('an address not configured for sign-in (INVALID_ORIGIN) is not a wrong password: it names the URL to use', () => {
    expect(signInErrorText({ ...base, status: 403, code: 'INVALID_ORIGIN' })).toBe(
      'This address (http://127.0.0.1:3000) is not configured for sign-in. Sign in at http://localhost:3000/login instead.',
    );
  });
  it('anything else is not blamed on the password', () => {
    expect(signInErrorText({ ...base, status: 503 })).toBe('Sign-in is not available right now. Try again in a minute.');
  });
});
