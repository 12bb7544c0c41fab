/** A mistake on the command line or in the config file: the message says what to change. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage line of the command, shown under the message. */
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
