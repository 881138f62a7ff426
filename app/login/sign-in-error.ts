/**
 * What a person reads when sign-in fails, from what the auth endpoint answered: a wrong password,
 * too many attempts (with the wait from Retry-After), or an address this deployment does not
 * accept sign-ins from (better-auth's 403 INVALID_ORIGIN: BETTER_AUTH_URL / TRUSTED_ORIGINS name
 * another one), which used to look like a wrong password.
 */
export function signInErrorText(e: {
  status: number;
  code?: string | undefined;
  retryAfter?: string | null;
  signInUrl: string;
  here: string;
}): string {
  if (e.status === 429) {
    const seconds = Number(e.retryAfter);
    const wait = Number.isFinite(seconds) && seconds > 0 ? waitText(Math.ceil(seconds)) : 'a minute';
    return `Too many sign-in attempts. Try again in ${wait}.`;
  }
  if (e.status === 403 && e.code === 'INVALID_ORIGIN') {
    return `This address (${e.here}) is not configured for sign-in. Sign in at ${e.signInUrl} instead.`;
  }
  if (e.status === 401 || e.status === 400) return 'Email or password is incorrect.';
  return 'Sign-in is not available right now. Try again in a minute.';
}

export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
