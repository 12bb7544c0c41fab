import {
  EventIdSchema,
  NamePathSchema,
  operations,
  StreamAgentEventsQuerySchema,
  WatchAgentQuerySchema,
  WatchEventsQuerySchema,
  WatchOfficeQuerySchema,
} from '@komputer/contracts';
import { AppError, parseInput } from '@komputer/service-kit';
import { globToRegExp } from './glob';

/** What a client asked for on one of the relay's routes, validated. */
export type RelayRequest =
  | {
      kind: 'agent';
      namespace: string;
      name: string;
      after: string | undefined;
      group: string | undefined;
      deltas: boolean;
    }
  | {
      kind: 'agents';
      namespace: string;
      names: string[];
      match: RegExp | undefined;
      cursors: Map<string, string>;
      deltas: boolean;
    }
  | {
      kind: 'office';
      namespace: string;
      /** The office's name: its manager's. */
      office: string;
      cursors: Map<string, string>;
      deltas: boolean;
    };

/** The relay's operations, by id. */
export type RelayOperationId =
  | 'watchAgentEvents'
  | 'streamAgentEvents'
  | 'watchEvents'
  | 'watchOfficeEvents'
  | 'streamOfficeEvents';

/** The relay's WebSocket routes, matched against an upgrade request's path. */
const UPGRADE_ROUTES = (['watchAgentEvents', 'watchEvents', 'watchOfficeEvents'] as const).map(
  (id) => {
    const names: string[] = [];
    const pattern = operations[id].path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { id, names, regexp: new RegExp(`^${pattern}$`) };
  },
);

/** The WebSocket route a path belongs to, with its path parameters; undefined if none. */
export function matchUpgradeRoute(
  pathname: string,
): { id: RelayOperationId; params: Record<string, string> } | undefined {
  for (const route of UPGRADE_ROUTES) {
    const found = route.regexp.exec(pathname);
    if (!found) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      const raw = found[i + 1] ?? '';
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        // A malformed escape: the name's validation reports it.
        params[name] = raw;
      }
    });
    return { id: route.id, params };
  }
  return undefined;
}

/** Query parameters as Express's simple parser gives them: a repeated one becomes an array. */
export function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const found = new Map<string, string | string[]>();
  for (const [key, value] of search) {
    const before = found.get(key);
    found.set(key, before === undefined ? value : [...[before].flat(), value]);
  }
  // fromEntries defines properties, so that a "__proto__" parameter stays a plain key.
  return Object.fromEntries(found);
}

/**
 * Validates a request to one of the relay's routes. `lastEventId` is SSE's `Last-Event-ID`
 * header, which wins over `after` (an office's stream ignores it: its events carry no SSE id,
 * since one id cannot resume several members). Throws a 400 naming the bad field.
 */
export function parseRelayRequest(
  id: RelayOperationId,
  params: unknown,
  query: unknown,
  defaultNamespace: string,
  lastEventId?: string,
): RelayRequest {
  if (id === 'watchEvents') {
    const q = parseInput(WatchEventsQuerySchema, query, 'query');
    const cursors = q.after ?? new Map<string, string>();
    const match = q.match === undefined ? undefined : globToRegExp(q.match);
    const names = q.agents ?? [];
    for (const name of cursors.keys()) {
      if (!names.includes(name) && !match?.test(name)) {
        throw new AppError(
          'VALIDATION_FAILED',
          400,
          `query.after: names agent "${name}", which is neither in agents nor matched by match`,
          { retryable: false },
        );
      }
    }
    return {
      kind: 'agents',
      namespace: q.namespace ?? defaultNamespace,
      names,
      match,
      cursors,
      deltas: q.deltas,
    };
  }
  const { name } = parseInput(NamePathSchema, params, 'path');
  if (id === 'watchOfficeEvents' || id === 'streamOfficeEvents') {
    const q = parseInput(WatchOfficeQuerySchema, query, 'query');
    return {
      kind: 'office',
      namespace: q.namespace ?? defaultNamespace,
      office: name,
      cursors: q.after ?? new Map<string, string>(),
      deltas: q.deltas,
    };
  }
  const q =
    id === 'watchAgentEvents'
      ? parseInput(WatchAgentQuerySchema, query, 'query')
      : { ...parseInput(StreamAgentEventsQuerySchema, query, 'query'), group: undefined };
  const after =
    lastEventId === undefined
      ? q.after
      : parseInput(EventIdSchema, lastEventId, 'header.last-event-id');
  return {
    kind: 'agent',
    namespace: q.namespace ?? defaultNamespace,
    name,
    after,
    group: q.group,
    deltas: q.deltas,
  };
}

/** The limit on agents per `/events/ws` socket, as an error. */
export function tooManyAgents(limit: number): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    400,
    `the socket would follow more than ${limit} agents; narrow match`,
    { retryable: false },
  );
}
