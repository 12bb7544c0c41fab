import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  AddSquadMemberParams,
  CreateSquadParams,
  DeleteResourceResponse,
  Squad,
  UpdateSquadParams,
} from '../types.js';
import { APIResource } from './resource.js';

/**
 * Squads (`client.squads`): agents that share one workspace, the first member's (the `home`),
 * and run one task at a time in it. A break-up returns them to their own workspaces, which they
 * kept all along; the home keeps the shared files.
 */
export class Squads extends APIResource {
  /**
   * Every squad of the namespace, by name.
   *
   * @example
   * ```ts
   * for (const s of await client.squads.list()) console.log(s.name, s.phase, s.members.length);
   * ```
   */
  async list(options?: RequestOptions): Promise<Squad[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/squads', { params: { query: { namespace } }, ...init }),
    );
    return page.squads;
  }

  /**
   * Creates a squad of existing, idle agents. An agent in another squad, or with a task queued
   * or running, throws `ConflictError`; a missing one `NotFoundError`.
   *
   * @example
   * ```ts
   * await client.squads.create({
   *   name: 'pair',
   *   members: [{ ref: { name: 'writer' } }, { ref: { name: 'reviewer' } }],
   *   orphanTTL: '10m',
   * });
   * ```
   */
  create(body: CreateSquadParams, options?: RequestOptions): Promise<Squad> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(api.POST('/api/v1/squads', { params: { query: { namespace } }, body, ...init }));
  }

  /**
   * One squad; a missing one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const { home, members } = await client.squads.get('pair');
   * ```
   */
  get(name: string, options?: RequestOptions): Promise<Squad> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/squads/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Replaces the member list whole and/or the `orphanTTL` (`''` removes it).
   *
   * @example
   * ```ts
   * await client.squads.update('pair', { orphanTTL: '1h' });
   * ```
   */
  update(name: string, patch: UpdateSquadParams, options?: RequestOptions): Promise<Squad> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.PATCH('/api/v1/squads/{name}', {
        params: { path: { name }, query: { namespace } },
        body: patch,
        ...init,
      }),
    );
  }

  /**
   * Deletes the squad at once; its members stay, as solo agents. A member with a task queued or
   * running throws `ConflictError`: break the squad up instead, which waits for it.
   *
   * @example
   * ```ts
   * await client.squads.delete('pair');
   * ```
   */
  delete(name: string, options?: RequestOptions): Promise<DeleteResourceResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/squads/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Breaks the squad up: at once (`phase: 'Dissolved'`) when no member has a task, else once
   * their tasks have ended (`phase: 'BreakingUp'` meanwhile).
   *
   * @example
   * ```ts
   * const { phase } = await client.squads.breakUp('pair');
   * ```
   */
  breakUp(name: string, options?: RequestOptions): Promise<Squad> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/squads/{name}/break-up', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Adds an existing agent to the squad.
   *
   * @example
   * ```ts
   * await client.squads.addMember('pair', { ref: { name: 'tester' } });
   * ```
   */
  addMember(name: string, member: AddSquadMemberParams, options?: RequestOptions): Promise<Squad> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/squads/{name}/members', {
        params: { path: { name }, query: { namespace } },
        body: member,
        ...init,
      }),
    );
  }

  /**
   * Removes a member; it runs in its own workspace again from its next task.
   *
   * @example
   * ```ts
   * await client.squads.removeMember('pair', 'tester');
   * ```
   */
  removeMember(name: string, agent: string, options?: RequestOptions): Promise<Squad> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/squads/{name}/members/{agent}', {
        params: { path: { name, agent }, query: { namespace } },
        ...init,
      }),
    );
  }
}
