/** A message cannot go out because a setting is missing: the caller answers 503 naming it. */
export class NotConfiguredError extends Error {
  constructor(
    readonly settings: readonly string[],
    what: string,
  ) {
    super(`${what} are not configured on this server: set ${settings.join(' and ')}.`);
    this.name = 'NotConfiguredError';
  }
}
