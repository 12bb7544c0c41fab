import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type { Template } from '../types.js';
import { APIResource } from './resource.js';

/** Agent templates: an agent's defaults, named in its `templateRef` (`client.templates`). */
export class Templates extends APIResource {
  /**
   * Every template, by name. Only the built-in ones exist.
   *
   * @example
   * ```ts
   * for (const template of await client.templates.list()) console.log(template.name, template.model);
   * ```
   */
  async list(options?: RequestOptions): Promise<Template[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/templates', { params: { query: { namespace } }, ...init }),
    );
    return page.templates;
  }
}
