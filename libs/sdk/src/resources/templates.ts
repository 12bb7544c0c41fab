import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  CreateTemplateParams,
  DeleteTemplateResponse,
  Template,
  TemplateScope,
  UpdateTemplateParams,
} from '../types.js';
import { APIResource } from './resource.js';

/** Which template a call means: the namespace's (default) or the cluster-wide one. */
export interface TemplateScopeParams {
  scope?: TemplateScope;
}

/**
 * Agent templates (`client.templates`): the model, limits, pod settings, storage, network
 * allow-list and `maxConcurrentAgents` of the agents that name one in `templateRef`, in a
 * namespace or cluster-wide. An agent's own fields win over its template's, read at each task.
 */
export class Templates extends APIResource {
  /**
   * Every template the namespace's agents can name: its own, the cluster's that none of those
   * shadows, and the built-in `default` while no template of that name is stored.
   *
   * @example
   * ```ts
   * for (const template of await client.templates.list()) console.log(template.name, template.scope);
   * ```
   */
  async list(options?: RequestOptions): Promise<Template[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/templates', { params: { query: { namespace } }, ...init }),
    );
    return page.templates;
  }

  /**
   * Stores a template (`scope: 'cluster'` for every namespace), or replaces every setting of an
   * existing one of that name and scope.
   *
   * @example
   * ```ts
   * await client.templates.create({ name: 'coder', model: 'claude-opus-4-1', maxConcurrentAgents: 2 });
   * await client.agents.create({ name: 'dev', instructions: 'Fix the build', templateRef: 'coder' });
   * ```
   */
  create(body: CreateTemplateParams, options?: RequestOptions): Promise<Template> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/templates', { params: { query: { namespace } }, body, ...init }),
    );
  }

  /**
   * One template; a missing one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const { maxConcurrentAgents } = await client.templates.get('coder');
   * const builtin = await client.templates.get('default', { scope: 'cluster' });
   * ```
   */
  get(name: string, params: TemplateScopeParams = {}, options?: RequestOptions): Promise<Template> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/templates/{name}', {
        params: { path: { name }, query: { namespace, ...params } },
        ...init,
      }),
    );
  }

  /**
   * Changes some settings; each one given replaces the stored one whole. Agents see the change
   * from their next task, and a raised `maxConcurrentAgents` starts waiting tasks at once.
   *
   * @example
   * ```ts
   * await client.templates.update('coder', { maxConcurrentAgents: 4 });
   * ```
   */
  update(
    name: string,
    patch: UpdateTemplateParams,
    params: TemplateScopeParams = {},
    options?: RequestOptions,
  ): Promise<Template> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.PATCH('/api/v1/templates/{name}', {
        params: { path: { name }, query: { namespace, ...params } },
        body: patch,
        ...init,
      }),
    );
  }

  /**
   * Deletes a template. One that agents name throws `ConflictError` (`TEMPLATE_IN_USE`,
   * `details.agents` names them).
   *
   * @example
   * ```ts
   * await client.templates.delete('coder');
   * ```
   */
  delete(
    name: string,
    params: TemplateScopeParams = {},
    options?: RequestOptions,
  ): Promise<DeleteTemplateResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/templates/{name}', {
        params: { path: { name }, query: { namespace, ...params } },
        ...init,
      }),
    );
  }
}
