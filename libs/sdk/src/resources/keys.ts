import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  ApiKey,
  ApiKeySecret,
  AuthTicket,
  CreateApiKeyParams,
  RevokeApiKeyResponse,
} from '../types.js';
import { APIResource } from './resource.js';

/**
 * API keys (`client.keys`), which need an `admin` key. A key's string is shown only by its
 * creation and its rotation: keep it then.
 */
export class Keys extends APIResource {
  /**
   * Creates a key and answers it with its key string (`key`), shown this once.
   *
   * @example
   * ```ts
   * const { id, key } = await client.keys.create({ name: 'ci', namespaces: ['team-a'], level: 'write' });
   * ```
   */
  create(body: CreateApiKeyParams, options?: RequestOptions): Promise<ApiKeySecret> {
    const { api, init } = this.parts(options);
    return dataOf(api.POST('/api/v1/api-keys', { body, ...init }));
  }

  /**
   * Every key the caller manages, by id, without secrets.
   *
   * @example
   * ```ts
   * for (const k of await client.keys.list()) console.log(k.id, k.name, k.level, k.namespaces);
   * ```
   */
  async list(options?: RequestOptions): Promise<ApiKey[]> {
    const { api, init } = this.parts(options);
    return (await dataOf(api.GET('/api/v1/api-keys', init))).apiKeys;
  }

  /**
   * One key; an unknown one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const { level, namespaces } = await client.keys.get('k3v9q2m7x1c4');
   * ```
   */
  get(id: string, options?: RequestOptions): Promise<ApiKey> {
    const { api, init } = this.parts(options);
    return dataOf(api.GET('/api/v1/api-keys/{id}', { params: { path: { id } }, ...init }));
  }

  /**
   * Gives the key a new secret and answers its new key string; the old one stops working, and
   * the streams opened with it end.
   *
   * @example
   * ```ts
   * const { key } = await client.keys.rotate('k3v9q2m7x1c4');
   * ```
   */
  rotate(id: string, options?: RequestOptions): Promise<ApiKeySecret> {
    const { api, init } = this.parts(options);
    return dataOf(api.POST('/api/v1/api-keys/{id}/rotate', { params: { path: { id } }, ...init }));
  }

  /**
   * Revokes the key: it stops working at once, and the streams opened with it end.
   *
   * @example
   * ```ts
   * await client.keys.revoke('k3v9q2m7x1c4');
   * ```
   */
  revoke(id: string, options?: RequestOptions): Promise<RevokeApiKeyResponse> {
    const { api, init } = this.parts(options);
    return dataOf(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } }, ...init }));
  }
}

/** Stream tickets (`client.tickets`), for clients that cannot set headers on a stream. */
export class Tickets extends APIResource {
  /**
   * A ticket that stands for the client's key on one WebSocket or SSE request, as `?ticket=`,
   * within 30 s; it works once.
   *
   * @example
   * ```ts
   * const { ticket } = await client.tickets.create();
   * const socket = new WebSocket(`ws://localhost:8080/api/v1/agents/researcher/ws?ticket=${ticket}`);
   * ```
   */
  create(options?: RequestOptions): Promise<AuthTicket> {
    const { api, init } = this.parts(options);
    return dataOf(api.POST('/api/v1/auth/tickets', init));
  }
}
