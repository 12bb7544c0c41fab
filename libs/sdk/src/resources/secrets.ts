import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  CreateSecretParams,
  Secret,
  SecretStatusResponse,
  UpdateSecretParams,
} from '../types.js';
import { APIResource } from './resource.js';

/**
 * Key-value secrets, stored encrypted (`client.secrets`). Answers show key names only, never
 * values. The API has no route that reads one secret: find it in {@link Secrets.list}.
 */
export class Secrets extends APIResource {
  /**
   * Stores a secret, or gives an existing secret of that name the new data.
   *
   * @example
   * ```ts
   * const secret = await client.secrets.create({ name: 'github', data: { token: 'ghp_…' } });
   * console.log(secret.keys); // ['token']
   * ```
   */
  create(body: CreateSecretParams, options?: RequestOptions): Promise<Secret> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(api.POST('/api/v1/secrets', { params: { query: { namespace } }, body, ...init }));
  }

  /**
   * Every secret in the namespace, by name, with its key names and the agents that name it.
   *
   * @example
   * ```ts
   * const names = (await client.secrets.list()).map((secret) => secret.name);
   * ```
   */
  async list(options?: RequestOptions): Promise<Secret[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/secrets', { params: { query: { namespace } }, ...init }),
    );
    return page.secrets;
  }

  /**
   * Replaces a secret's data; a missing secret throws `NotFoundError`.
   *
   * @example
   * ```ts
   * await client.secrets.update('github', { data: { token: 'ghp_new…' } });
   * ```
   */
  update(
    name: string,
    body: UpdateSecretParams,
    options?: RequestOptions,
  ): Promise<SecretStatusResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.PATCH('/api/v1/secrets/{name}', {
        params: { path: { name }, query: { namespace } },
        body,
        ...init,
      }),
    );
  }

  /**
   * Deletes a secret; a missing one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * await client.secrets.delete('github');
   * ```
   */
  delete(name: string, options?: RequestOptions): Promise<SecretStatusResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/secrets/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }
}
