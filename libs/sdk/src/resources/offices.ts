import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type { AgentEvent, DeleteOfficeResponse, Office, OfficeEventsQuery } from '../types.js';
import { Approvals } from './approvals.js';
import { APIResource } from './resource.js';

/**
 * Offices (`client.offices`): a manager agent and every agent it created, recursively (through
 * each agent's `officeManager`), with their task status and cost, the totals, and their events
 * merged in one stream.
 */
export class Offices extends APIResource {
  /** The tool calls that wait for a person's decision, of an office’s members. */
  readonly approvals = new Approvals(this.transport, 'office');

  /**
   * The namespace's top offices: each agent that created agents and that no other office holds.
   *
   * @example
   * ```ts
   * for (const o of await client.offices.list()) console.log(o.name, o.totalAgents, o.totalCostUSD);
   * ```
   */
  async list(options?: RequestOptions): Promise<Office[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/offices', { params: { query: { namespace } }, ...init }),
    );
    return page.offices;
  }

  /**
   * The office of manager `name`: its members, their task status and cost, and the totals. An
   * agent that created none throws `NotFoundError` (`OFFICE_NOT_FOUND`).
   *
   * @example
   * ```ts
   * const { members, activeAgents, totalCostUSD } = await client.offices.get('lead');
   * ```
   */
  get(name: string, options?: RequestOptions): Promise<Office> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/offices/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Deletes every member of the office, its manager last, as deleting each agent would.
   *
   * @example
   * ```ts
   * const { deletedAgents } = await client.offices.delete('lead');
   * ```
   */
  delete(name: string, options?: RequestOptions): Promise<DeleteOfficeResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/offices/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * One page of the office's events, oldest first, in office order (event id, then agent name).
   * Cursors are as on an agent's page, plus `<agentName>:<id>`, an exact place: page on from the
   * last event of a page with it.
   *
   * @example
   * ```ts
   * let page = await client.offices.events('lead', { after: '0-0', limit: 200 });
   * while (page.length > 0) {
   *   for (const event of page) console.log(event.agentName, event.type);
   *   const last = page.at(-1)!;
   *   page = await client.offices.events('lead', { after: `${last.agentName}:${last.id}`, limit: 200 });
   * }
   * ```
   */
  async events(
    name: string,
    query: OfficeEventsQuery = {},
    options?: RequestOptions,
  ): Promise<AgentEvent[]> {
    const { api, init, namespace } = this.parts(options);
    const { deltas, ...rest } = query;
    const page = await dataOf(
      api.GET('/api/v1/offices/{name}/events', {
        params: {
          path: { name },
          query: {
            namespace,
            ...rest,
            ...(deltas === undefined ? {} : { deltas: String(deltas) }),
          },
        },
        ...init,
      }),
    );
    return page.events;
  }
}
