import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type { AgentEvent, DeleteOfficeResponse, Office, OfficeEventsQuery } from '../types.js';
import { followStream, isAfter } from '../watch.js';
import type { WatchStreamOptions } from '../watch.js';
import { Approvals } from './approvals.js';
import { APIResource } from './resource.js';

/** Options of {@link Offices.watch}. */
export interface WatchOfficeOptions extends WatchStreamOptions {
  /**
   * Deliver every member's events after this id (`0-0`: all they hold), then carry on live.
   * Without it: the events that come after the call, from the office's latest event on.
   */
  after?: string;
}

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

  /**
   * Follows the office's events live, over Server-Sent Events: every member's, and those of
   * agents that join the office later, each member's in its own order. When the connection
   * drops it reconnects with backoff and resumes each member after the last event it delivered
   * of that member, so no event is skipped or repeated. It ends when `signal` aborts or the loop
   * breaks; it throws `GoneError` when a member's events after its cursor were trimmed
   * (`CURSOR_EXPIRED`), `NotFoundError` for an agent that created none, and the last error once
   * `maxRetries` connection attempts in a row have failed.
   *
   * @example
   * ```ts
   * for await (const event of client.offices.watch('lead', { after: '0-0' })) {
   *   console.log(event.agentName, event.type);
   *   if (event.agentName === 'lead' && event.type === 'task_completed') break;
   * }
   * ```
   */
  watch(name: string, options: WatchOfficeOptions = {}): AsyncGenerator<AgentEvent, void> {
    const namespace = this.transport.namespace(options);
    const deltas = options.deltas ?? false;
    const namespaced = { ...(namespace ? { namespace } : {}) };
    // Where the watch starts, for every member: ids are Redis times, the same clock for all.
    let start = options.after;
    /** The last event delivered of each member. */
    const cursors = new Map<string, string>();
    return followStream(
      this.transport,
      {
        what: `office ${name}`,
        connect: async (signal) => {
          const [office, latest] = await Promise.all([
            // Each connection names every member: one it did not would be followed from now.
            this.get(name, { signal, ...namespaced }),
            start === undefined
              ? this.events(name, { limit: 1, deltas }, { signal, ...namespaced })
              : [],
          ]);
          start ??= latest[0]?.id ?? '0-0';
          const from = start;
          const after = office.members.map((m) => `${m.name}:${cursors.get(m.name) ?? from}`);
          return this.streamRequest(name, namespace, after.join(','), deltas);
        },
        take: (event) => {
          const cursor = cursors.get(event.agentName) ?? start;
          if (cursor !== undefined && !isAfter(event.id, cursor)) return false;
          cursors.set(event.agentName, event.id);
          return true;
        },
      },
      options,
    );
  }

  private streamRequest(
    name: string,
    namespace: string | undefined,
    after: string,
    deltas: boolean,
  ) {
    const { origin, defaultHeaders } = this.transport.settings;
    const url = new URL(`${origin}/api/v1/offices/${encodeURIComponent(name)}/events/stream`);
    if (namespace) url.searchParams.set('namespace', namespace);
    url.searchParams.set('after', after);
    if (deltas) url.searchParams.set('deltas', 'true');
    return new Request(url, { headers: { ...defaultHeaders, accept: 'text/event-stream' } });
  }
}
