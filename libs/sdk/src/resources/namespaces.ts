import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import { APIResource } from './resource.js';

/** Namespaces (`client.namespaces`). */
export class Namespaces extends APIResource {
  /**
   * The default namespace and every namespace that holds an agent, sorted.
   *
   * @example
   * ```ts
   * const namespaces = await client.namespaces.list(); // ['default', 'team-a']
   * ```
   */
  async list(options?: RequestOptions): Promise<string[]> {
    const { api, init } = this.parts(options);
    const page = await dataOf(api.GET('/api/v1/namespaces', init));
    return page.namespaces;
  }
}
