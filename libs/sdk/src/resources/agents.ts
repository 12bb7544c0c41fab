import { KomputerError } from '../errors.js';
import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  Agent,
  AgentCost,
  AgentEvent,
  AgentEventsQuery,
  CancelAgentResponse,
  CompactAgentParams,
  CompactAgentResponse,
  CreateAgentParams,
  CreateAgentResponse,
  DeleteAgentResponse,
  UpdateAgentParams,
} from '../types.js';
import { followStream, isAfter } from '../watch.js';
import type { WatchStreamOptions } from '../watch.js';
import { Approvals } from './approvals.js';
import { APIResource } from './resource.js';

/** Options of {@link Agents.watch}. */
export interface WatchOptions extends WatchStreamOptions {
  /**
   * Deliver the events after this id, then carry on live. Without it: the events that come
   * after the call, from the agent's latest event on.
   */
  after?: string;
}

/** `after=0-0`: from the first event the stream holds. */
const FIRST_EVENT = '0-0';

/** A file of an agent's workspace, as {@link Agents.download} answers it. */
export interface FileDownload {
  /** The file's name, from `Content-Disposition`. */
  filename: string;
  /** Its media type, guessed from its name by the server. */
  contentType: string;
  /** Its size in bytes. */
  size: number | undefined;
  /** Its bytes, read as they come; read it or cancel it. */
  body: ReadableStream<Uint8Array>;
}

/** Options of {@link Agents.create}. */
export interface CreateOptions extends RequestOptions {
  /**
   * What a busy agent does with the instructions: `true` (the default) adds them to its running
   * task as a steer; `false` refuses them with `ConflictError` (`AGENT_BUSY`).
   */
  steer?: boolean;
}

/** Options of {@link Agents.list}. */
export interface ListAgentsOptions extends RequestOptions {
  /** Only the agents whose labels hold every one of these pairs. */
  labels?: Record<string, string>;
}

/** Agents, their tasks and their events (`client.agents`). */
export class Agents extends APIResource {
  /** The tool calls that wait for a person's decision, of an agent. */
  readonly approvals = new Approvals(this.transport, 'agent');

  /**
   * Creates the agent with a first task or, when it exists and is idle, gives it the task in
   * `instructions` (its other settings stay; change them with {@link Agents.update}). A busy
   * agent is steered: its running task takes the instructions as a user message before its next
   * model request, and the answer says `steered: true`, with the busy task's `taskId` and the
   * steer's `steerIndex` (its `user_message` event carries it as `steer_index`). With
   * `{ steer: false }` a busy agent throws `ConflictError` with code `AGENT_BUSY` instead. An
   * agent that holds 100 steers not taken yet throws `RateLimitError` (`TOO_MANY_STEERS`).
   *
   * @example
   * ```ts
   * const agent = await client.agents.create({ name: 'researcher', instructions: 'Summarise the logs' });
   * console.log(agent.taskId, agent.created, agent.steered);
   * const strict = await client.agents.create({ name: 'researcher', instructions: 'Next' }, { steer: false });
   * ```
   */
  create(body: CreateAgentParams, options: CreateOptions = {}): Promise<CreateAgentResponse> {
    const { steer, ...rest } = options;
    const { api, init, namespace } = this.parts(rest);
    const query = { namespace, ...(steer === undefined ? {} : { steer: String(steer) }) };
    return dataOf(api.POST('/api/v1/agents', { params: { query }, body, ...init }));
  }

  /**
   * Every agent in the namespace, by name; with `labels`, only those whose labels hold each
   * given pair.
   *
   * @example
   * ```ts
   * for (const agent of await client.agents.list()) console.log(agent.name, agent.status);
   * const core = await client.agents.list({ labels: { team: 'core' } });
   * ```
   */
  async list(options: ListAgentsOptions = {}): Promise<Agent[]> {
    const { labels, ...rest } = options;
    const { api, init, namespace } = this.parts(rest);
    const label = Object.entries(labels ?? {}).map(([key, value]) => `${key}=${value}`);
    const page = await dataOf(
      api.GET('/api/v1/agents', {
        params: { query: { namespace, ...(label.length > 0 ? { label } : {}) } },
        ...init,
      }),
    );
    return page.agents;
  }

  /**
   * One agent; a missing one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const agent = await client.agents.get('researcher');
   * console.log(agent.taskStatus, agent.totalCostUSD);
   * ```
   */
  get(name: string, options?: RequestOptions): Promise<Agent> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/agents/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Changes an agent's settings, from its next task on. It never starts a task.
   *
   * @example
   * ```ts
   * await client.agents.update('researcher', { model: 'claude-opus-4-5', labels: { team: 'infra' } });
   * ```
   */
  update(name: string, patch: UpdateAgentParams, options?: RequestOptions): Promise<Agent> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.PATCH('/api/v1/agents/{name}', {
        params: { path: { name }, query: { namespace } },
        body: patch,
        ...init,
      }),
    );
  }

  /**
   * Deletes an agent: a queued task, its event stream and its record.
   *
   * @example
   * ```ts
   * await client.agents.delete('researcher');
   * ```
   */
  delete(name: string, options?: RequestOptions): Promise<DeleteAgentResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/agents/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Cancels the agent's queued or running task, which then ends with `task_cancelled`. An agent
   * with no task throws `ConflictError` with code `NO_ACTIVE_TASK`.
   *
   * @example
   * ```ts
   * const { status } = await client.agents.cancel('researcher'); // 'cancelled' or 'cancelling'
   * ```
   */
  cancel(name: string, options?: RequestOptions): Promise<CancelAgentResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/agents/{name}/cancel', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * The agent's tasks and what each cost, oldest first, read from its event stream: each task
   * that ended (its outcome, cost, duration, turns and tokens, how many steers it took and how
   * many events it has), and their total. A task still running is left out.
   *
   * @example
   * ```ts
   * const { tasks, totalCost } = await client.agents.cost('researcher');
   * for (const task of tasks) console.log(task.index, task.costUSD, task.steers, task.instruction);
   * console.log(totalCost);
   * ```
   */
  cost(name: string, options?: RequestOptions): Promise<AgentCost> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/agents/{name}/cost', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Asks the agent's running task to compact its conversation: at its next turn boundary it has
   * the model summarise the conversation so far (guided by `instructions`), which replaces the
   * transcript; the session goes on. The agent shows taskStatus `Compacting` meanwhile, and a
   * `compaction` event records it, with the tokens before and after. An agent with no task
   * throws `ConflictError` with code `NO_ACTIVE_TASK`.
   *
   * @example
   * ```ts
   * await client.agents.compact('researcher', { instructions: 'Keep every URL you found.' });
   * ```
   */
  compact(
    name: string,
    params: CompactAgentParams = {},
    options?: RequestOptions,
  ): Promise<CompactAgentResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/agents/{name}/compact', {
        params: { path: { name }, query: { namespace } },
        body: params,
        ...init,
      }),
    );
  }

  /**
   * Downloads a file of the agent's workspace; `path` is relative to the workspace
   * (`reports/summary.md`), and sent as it is, for the server to check. A path that leaves the workspace throws `BadRequestError`
   * (`INVALID_PATH`) or `PermissionDeniedError` (`PATH_OUTSIDE_WORKSPACE`); a missing file
   * `NotFoundError` (`FILE_NOT_FOUND`). The timeout covers the wait for the answer's headers;
   * the body streams after.
   *
   * @example
   * ```ts
   * const file = await client.agents.download('researcher', 'reports/summary.md');
   * console.log(file.filename, file.size, await new Response(file.body).text());
   * ```
   */
  async download(name: string, path: string, options: RequestOptions = {}): Promise<FileDownload> {
    const namespace = this.transport.namespace(options);
    const { origin, defaultHeaders } = this.transport.settings;
    // One segment, its slashes encoded: a URL resolves `..` segments before the request leaves,
    // which would send the request to another route, where the server must see the path and
    // refuse it. Only a path that is all dots is refused here.
    if (/^\.{1,2}$/.test(path)) {
      throw new KomputerError(`"${path}" is not a file of the workspace.`);
    }
    const file = encodeURIComponent(path);
    const url = new URL(`${origin}/api/v1/agents/${encodeURIComponent(name)}/download/${file}`);
    if (namespace) url.searchParams.set('namespace', namespace);
    const request = new Request(url, { headers: { ...defaultHeaders, ...options.headers } });
    const response = await this.transport.send(request, options, true);
    const length = response.headers.get('content-length');
    return {
      filename: filenameOf(response.headers.get('content-disposition')) ?? lastSegment(path),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      size: length === null ? undefined : Number(length),
      // A 200 always has a body, empty for an empty file; a HEAD through a proxy may not.
      body: response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
    };
  }

  /**
   * One page of the agent's events, oldest first: without a cursor the latest `limit` (default
   * 50, at most 200), with `after` the ones after that id or timestamp, with `before` the ones
   * just before it, with `around` half of `limit` before it and the rest from it on. An id
   * cursor older than the stream keeps throws `GoneError` (`CURSOR_EXPIRED`).
   *
   * @example
   * ```ts
   * let page = await client.agents.events('researcher', { after: '0-0', limit: 200 });
   * while (page.length > 0) {
   *   for (const event of page) console.log(event.type);
   *   page = await client.agents.events('researcher', { after: page.at(-1)!.id, limit: 200 });
   * }
   * ```
   */
  async events(
    name: string,
    query: AgentEventsQuery = {},
    options?: RequestOptions,
  ): Promise<AgentEvent[]> {
    const { api, init, namespace } = this.parts(options);
    const { deltas, ...rest } = query;
    const page = await dataOf(
      api.GET('/api/v1/agents/{name}/events', {
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
   * Follows the agent's events live, over Server-Sent Events. When the connection drops it
   * reconnects with backoff and resumes after the last event it delivered, so no event is
   * skipped or repeated. It ends when `signal` aborts or the loop breaks; it throws
   * `GoneError` when the events after its cursor were trimmed (`CURSOR_EXPIRED`),
   * `NotFoundError` for a missing agent, and the last error once `maxRetries` connection
   * attempts in a row have failed. A task's end does not end it: stop at the event you wait for.
   *
   * @example
   * ```ts
   * for await (const event of client.agents.watch('researcher', { after: '0-0' })) {
   *   console.log(event.id, event.type);
   *   if (event.type === 'task_completed') break;
   * }
   * ```
   */
  watch(name: string, options: WatchOptions = {}): AsyncGenerator<AgentEvent, void> {
    const namespace = this.transport.namespace(options);
    const deltas = options.deltas ?? false;
    let cursor = options.after;
    return followStream(
      this.transport,
      {
        what: name,
        connect: async (signal) => {
          cursor ??= await this.latestId(name, namespace, deltas, signal);
          return this.streamRequest(name, namespace, cursor, deltas);
        },
        take: (event) => {
          if (cursor !== undefined && !isAfter(event.id, cursor)) return false;
          cursor = event.id;
          return true;
        },
      },
      options,
    );
  }

  /** The agent's latest event id (or `0-0` when it has none): "now" as a cursor. */
  private async latestId(
    name: string,
    namespace: string | undefined,
    deltas: boolean,
    signal: AbortSignal,
  ): Promise<string> {
    const options = { signal, ...(namespace ? { namespace } : {}) };
    const [latest] = await this.events(name, { limit: 1, deltas }, options);
    return latest?.id ?? FIRST_EVENT;
  }

  private streamRequest(
    name: string,
    namespace: string | undefined,
    after: string,
    deltas: boolean,
  ) {
    const { origin, defaultHeaders } = this.transport.settings;
    const url = new URL(`${origin}/api/v1/agents/${encodeURIComponent(name)}/events/stream`);
    if (namespace) url.searchParams.set('namespace', namespace);
    url.searchParams.set('after', after);
    if (deltas) url.searchParams.set('deltas', 'true');
    return new Request(url, { headers: { ...defaultHeaders, accept: 'text/event-stream' } });
  }
}

/** The file name that a `Content-Disposition` names: `filename*` (RFC 5987) first. */
export function filenameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // A malformed extended name: the plain one below still counts.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition);
  return plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]) : undefined;
}

const lastSegment = (path: string) => path.split('/').filter(Boolean).at(-1) ?? path;
