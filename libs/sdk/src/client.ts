import { defaultApiKey, defaultBaseURL } from './config.js';
import {
  APIUserAbortError,
  KomputerError,
  NotFoundError,
  TaskCancelledError,
  TaskFailedError,
} from './errors.js';
import { Agents } from './resources/agents.js';
import { Keys, Tickets } from './resources/keys.js';
import { Connectors } from './resources/connectors.js';
import { Memories } from './resources/memories.js';
import { AuditTrail } from './resources/audit.js';
import { Namespaces } from './resources/namespaces.js';
import { Secrets } from './resources/secrets.js';
import { Skills } from './resources/skills.js';
import { Offices } from './resources/offices.js';
import { Schedules } from './resources/schedules.js';
import { UsageReports } from './resources/usage.js';
import { Squads } from './resources/squads.js';
import { Templates } from './resources/templates.js';
import type { Fetch, RequestOptions } from './options.js';
import { Transport } from './transport.js';
import type {
  AgentEvent,
  AgentEventOf,
  CreateAgentParams,
  CreateAgentResponse,
  Usage,
} from './types.js';

/** Options of {@link Komputer}. */
export interface ClientOptions {
  /**
   * The server, such as `http://localhost:8080`; the client adds `/api/v1` (a URL that already
   * ends in `/api/v1` is taken as is). Default: `KOMPUTER_BASE_URL` where there is a
   * `process`, else `http://localhost:8080`.
   */
  baseURL?: string;
  /**
   * The namespace of every call that names none. Default: none is sent, and the server uses
   * its default namespace (`default`), or the `namespace` of a request body that has one.
   */
  namespace?: string;
  /** Milliseconds to wait for each attempt's answer. Default 60,000. */
  timeout?: number;
  /**
   * Retries after a 408, 429, 5xx (unless the API says it is not retryable) or connection
   * error, with exponential backoff that obeys `Retry-After`. Default 2.
   */
  maxRetries?: number;
  /** The fetch to send requests with. Default: the global `fetch`. */
  fetch?: Fetch;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
  /**
   * The API key (`kpt_<id>_<secret>`), sent as `Authorization: Bearer` on every request.
   * Default: `KOMPUTER_API_KEY` where there is a `process`, else the local key that `npm start`
   * wrote (`KOMPUTER_DATA_DIR`, default `.komputer`, then `api-key`), else none (a server with
   * `KOMPUTER_AUTH=off` needs none).
   */
  apiKey?: string;
}

/** What {@link Komputer.run} takes: the agent and its task, and how to follow it. */
export type RunParams = CreateAgentParams & {
  /** Called with each event of the task as it comes, the terminal one included. */
  onEvent?: (event: AgentEvent) => void;
  /** Also deliver `text_delta` events (token streaming) to `onEvent`. Default false. */
  deltas?: boolean;
  /** Stops waiting (the task goes on: cancel it with `agents.cancel`). */
  signal?: AbortSignal;
  /**
   * What a busy agent does (see `agents.create`): `true` (the default) steers its running task
   * with the instructions, and `run()` follows that task to its end; `false` throws
   * `ConflictError` (`AGENT_BUSY`).
   */
  steer?: boolean;
};

/** The outcome of a task that {@link Komputer.run} waited for. */
export interface RunResult {
  taskId: string;
  /** What `agents.create` answered when the task was queued. */
  agent: CreateAgentResponse;
  /** The model's final answer. */
  text: string;
  costUSD: number;
  turns: number;
  /** The conversation the agent's next task continues. */
  sessionId: string;
  stopReason: string;
  usage: Usage;
  durationMs: number;
  model: string;
  /** Every event of the task, oldest first, ending with `task_completed`. */
  events: AgentEvent[];
  /** The `task_completed` event. */
  completed: AgentEventOf<'task_completed'>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 2;
const API_PREFIX = '/api/v1';

/**
 * The komputer API client.
 *
 * @example
 * ```ts
 * import { Komputer } from '@komputer/sdk';
 *
 * const client = new Komputer({ baseURL: 'http://localhost:8080' });
 * const result = await client.run({ name: 'researcher', instructions: 'Summarise the logs' });
 * console.log(result.text, result.costUSD);
 * ```
 */
export class Komputer {
  /** The API's base URL, `/api/v1` included. */
  readonly baseURL: string;
  readonly namespace: string | undefined;
  readonly timeout: number;
  readonly maxRetries: number;

  readonly agents: Agents;
  readonly connectors: Connectors;
  readonly secrets: Secrets;
  readonly memories: Memories;
  readonly skills: Skills;
  readonly templates: Templates;
  readonly schedules: Schedules;
  readonly offices: Offices;
  readonly squads: Squads;
  readonly namespaces: Namespaces;
  readonly keys: Keys;
  readonly tickets: Tickets;
  /** What the namespace's tasks used, per agent, over a range of days. */
  readonly usage: UsageReports;
  /** The namespace's audit trail: every state-changing call. */
  readonly audit: AuditTrail;

  /**
   * @example
   * ```ts
   * const client = new Komputer({ baseURL: 'https://komputer.example.com', namespace: 'team-a', timeout: 10_000 });
   * ```
   */
  constructor(options: ClientOptions = {}) {
    const origin = (options.baseURL ?? defaultBaseURL())
      .replace(/\/+$/, '')
      .replace(/\/api\/v1$/, '');
    if (!/^https?:\/\//.test(origin)) {
      throw new KomputerError(`baseURL must be an http(s) URL, not "${options.baseURL}".`);
    }
    const fetch = options.fetch ?? globalFetch();
    this.baseURL = origin + API_PREFIX;
    this.namespace = options.namespace;
    this.timeout = nonNegative('timeout', options.timeout ?? DEFAULT_TIMEOUT_MS);
    this.maxRetries = nonNegative('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES);
    const transport = new Transport({
      origin,
      namespace: this.namespace,
      timeout: this.timeout,
      maxRetries: this.maxRetries,
      fetch,
      defaultHeaders: options.defaultHeaders ?? {},
      apiKey: options.apiKey === undefined ? defaultApiKey() : Promise.resolve(options.apiKey),
    });
    this.agents = new Agents(transport);
    this.connectors = new Connectors(transport);
    this.secrets = new Secrets(transport);
    this.memories = new Memories(transport);
    this.skills = new Skills(transport);
    this.templates = new Templates(transport);
    this.schedules = new Schedules(transport);
    this.offices = new Offices(transport);
    this.squads = new Squads(transport);
    this.namespaces = new Namespaces(transport);
    this.keys = new Keys(transport);
    this.tickets = new Tickets(transport);
    this.usage = new UsageReports(transport);
    this.audit = new AuditTrail(transport);
  }

  /**
   * Creates the agent or gives it the task, follows its events until the task ends, and
   * resolves with the result. A busy agent is steered (unless `steer: false`): `run()` then
   * follows the busy task, which takes the instructions, and resolves with its result. A task that ends with an `error` event throws
   * `TaskFailedError`; a cancelled one throws `TaskCancelledError`; aborting `signal` throws
   * `APIUserAbortError` (the task goes on).
   *
   * @example
   * ```ts
   * const result = await client.run({
   *   name: 'researcher',
   *   instructions: 'List the files in your workspace',
   *   onEvent: (event) => console.log(event.type),
   * });
   * console.log(result.text, result.costUSD, result.turns, result.sessionId);
   * ```
   */
  async run(params: RunParams, options: RequestOptions = {}): Promise<RunResult> {
    const { onEvent, deltas, steer, signal = options.signal, ...body } = params;
    // Every call goes to the agent's namespace, whether the options or the body name it.
    const namespace = options.namespace ?? body.namespace;
    const call = { ...options, ...(signal ? { signal } : {}), ...(namespace ? { namespace } : {}) };
    // The cursor comes first, so that no event of the new task can come before it.
    const after = await this.agents
      .events(body.name, { limit: 1, ...(deltas ? { deltas } : {}) }, call)
      .then(([latest]) => latest?.id ?? '0-0')
      .catch((error: unknown) => {
        if (error instanceof NotFoundError) return '0-0';
        throw error;
      });
    const agent = await this.agents.create(body, {
      ...call,
      ...(steer === undefined ? {} : { steer }),
    });
    const events: AgentEvent[] = [];
    const watch = this.agents.watch(body.name, {
      after,
      ...(deltas ? { deltas } : {}),
      ...(signal ? { signal } : {}),
      ...(namespace ? { namespace } : {}),
    });
    for await (const event of watch) {
      if (event.taskId !== agent.taskId) continue;
      events.push(event);
      onEvent?.(event);
      if (event.type === 'error') throw new TaskFailedError(event, events);
      if (event.type === 'task_cancelled') throw new TaskCancelledError(event, events);
      if (event.type === 'task_completed') return resultOf(agent, event, events);
    }
    throw new APIUserAbortError({ cause: signal?.reason });
  }
}

function resultOf(
  agent: CreateAgentResponse,
  completed: AgentEventOf<'task_completed'>,
  events: AgentEvent[],
): RunResult {
  const { payload } = completed;
  return {
    taskId: agent.taskId,
    agent,
    text: payload.result,
    costUSD: payload.cost_usd,
    turns: payload.turns,
    sessionId: payload.session_id,
    stopReason: payload.stop_reason,
    usage: payload.usage,
    durationMs: payload.duration_ms,
    model: payload.model,
    events,
    completed,
  };
}

function globalFetch(): Fetch {
  if (typeof globalThis.fetch !== 'function') {
    throw new KomputerError('There is no global fetch: pass one as the `fetch` option.');
  }
  return (input, init) => globalThis.fetch(input, init);
}

function nonNegative(option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new KomputerError(`${option} must be a number of at least 0, not ${value}.`);
  }
  return value;
}
