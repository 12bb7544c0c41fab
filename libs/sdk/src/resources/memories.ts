import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  CreateMemoryParams,
  DeleteResourceResponse,
  Memory,
  UpdateMemoryParams,
} from '../types.js';
import { APIResource, forceQuery } from './resource.js';

/**
 * Text appended to the system prompt of every agent that names it in `memories`
 * (`client.memories`).
 */
export class Memories extends APIResource {
  /**
   * Stores a memory, or gives an existing one of that name the new content and description.
   *
   * @example
   * ```ts
   * await client.memories.create({ name: 'style', content: 'Answer in British English.' });
   * await client.agents.create({ name: 'writer', instructions: 'Draft the notes', memories: ['style'] });
   * ```
   */
  create(body: CreateMemoryParams, options?: RequestOptions): Promise<Memory> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/memories', { params: { query: { namespace } }, body, ...init }),
    );
  }

  /**
   * Every memory in the namespace, by name, with its content and the agents that attach it.
   *
   * @example
   * ```ts
   * for (const memory of await client.memories.list()) console.log(memory.name, memory.attachedAgents);
   * ```
   */
  async list(options?: RequestOptions): Promise<Memory[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/memories', { params: { query: { namespace } }, ...init }),
    );
    return page.memories;
  }

  /**
   * One memory; a missing one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const { content } = await client.memories.get('style');
   * ```
   */
  get(name: string, options?: RequestOptions): Promise<Memory> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/memories/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Changes a memory's content or description; agents see it from their next task.
   *
   * @example
   * ```ts
   * await client.memories.update('style', { content: 'Answer in plain English.' });
   * ```
   */
  update(name: string, patch: UpdateMemoryParams, options?: RequestOptions): Promise<Memory> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.PATCH('/api/v1/memories/{name}', {
        params: { path: { name }, query: { namespace } },
        body: patch,
        ...init,
      }),
    );
  }

  /**
   * Deletes a memory. One that agents still attach throws `ConflictError` (`MEMORY_IN_USE`)
   * unless `force` is true; then those agents run their next task without it.
   *
   * @example
   * ```ts
   * await client.memories.delete('style', { force: true });
   * ```
   */
  delete(
    name: string,
    params: { force?: boolean } = {},
    options?: RequestOptions,
  ): Promise<DeleteResourceResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/memories/{name}', {
        params: { path: { name }, query: { namespace, ...forceQuery(params.force) } },
        ...init,
      }),
    );
  }
}
