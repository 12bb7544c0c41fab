import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  CreateSkillParams,
  DeleteResourceResponse,
  Skill,
  UpdateSkillParams,
} from '../types.js';
import { APIResource, forceQuery } from './resource.js';

/**
 * Skills that agents name in `skills`: written into the agent's workspace for each task as
 * `.komputer/skills/<name>/SKILL.md`, and listed in its system prompt (`client.skills`).
 */
export class Skills extends APIResource {
  /**
   * Stores a skill, or gives an existing one of that name the new content and description.
   *
   * @example
   * ```ts
   * await client.skills.create({
   *   name: 'release-notes',
   *   description: 'Use when asked for release notes',
   *   content: 'List the merged changes since the last tag, grouped by kind.',
   * });
   * ```
   */
  create(body: CreateSkillParams, options?: RequestOptions): Promise<Skill> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(api.POST('/api/v1/skills', { params: { query: { namespace } }, body, ...init }));
  }

  /**
   * Every skill in the namespace, by name, with its content and the agents that attach it.
   *
   * @example
   * ```ts
   * const names = (await client.skills.list()).map((skill) => skill.name);
   * ```
   */
  async list(options?: RequestOptions): Promise<Skill[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/skills', { params: { query: { namespace } }, ...init }),
    );
    return page.skills;
  }

  /**
   * One skill; a missing one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const { description } = await client.skills.get('release-notes');
   * ```
   */
  get(name: string, options?: RequestOptions): Promise<Skill> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/skills/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Changes a skill's content or description; agents see it from their next task.
   *
   * @example
   * ```ts
   * await client.skills.update('release-notes', { description: 'Use for every release' });
   * ```
   */
  update(name: string, patch: UpdateSkillParams, options?: RequestOptions): Promise<Skill> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.PATCH('/api/v1/skills/{name}', {
        params: { path: { name }, query: { namespace } },
        body: patch,
        ...init,
      }),
    );
  }

  /**
   * Deletes a skill. One that agents still attach throws `ConflictError` (`SKILL_IN_USE`)
   * unless `force` is true; then those agents run their next task without it.
   *
   * @example
   * ```ts
   * await client.skills.delete('release-notes', { force: true });
   * ```
   */
  delete(
    name: string,
    params: { force?: boolean } = {},
    options?: RequestOptions,
  ): Promise<DeleteResourceResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/skills/{name}', {
        params: { path: { name }, query: { namespace, ...forceQuery(params.force) } },
        ...init,
      }),
    );
  }
}
