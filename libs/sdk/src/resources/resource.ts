import type { RequestOptions } from '../options.js';
import type { Transport } from '../transport.js';

/** A group of API operations on one kind of resource. */
export abstract class APIResource {
  /** @internal */
  constructor(
    /** @internal */
    protected readonly transport: Transport,
  ) {}

  /** @internal The typed API client, and the namespace and fetch options of one call. */
  protected parts(options?: RequestOptions) {
    return {
      api: this.transport.api,
      init: this.transport.init(options),
      namespace: this.transport.namespace(options),
    };
  }
}

/** `?force=` of a delete: left out unless given. */
export function forceQuery(force: boolean | undefined): { force?: string } {
  return force === undefined ? {} : { force: String(force) };
}
