import { pipeline } from 'node:stream/promises';
import { buildOpenApiDocument, matchesLabels, operations } from '@komputer/contracts';
import type { AgentResponse, OperationId, TemplateScope } from '@komputer/contracts';
import {
  corsMiddleware,
  errorMiddleware,
  jsonBodyParser,
  notFoundHandler,
  requestIdMiddleware,
  securityHeadersMiddleware,
  tracingEnabled,
  tracingMiddleware,
} from '@komputer/service-kit';
import type { Relay } from '@komputer/relay';
import type { Health, Logger, Metrics } from '@komputer/service-kit';
import type {
  AgentRecord,
  ApiKeyStore,
  AuditStore,
  EventStore,
  QuotaStore,
  RateLimiter,
  TemplateLocation,
} from '@komputer/store';
import {
  bodyNamespaceOf,
  mountRoutes,
  namespaceOf,
  parseRouteInput,
  principalOf,
  principalReaches,
  route,
} from '@komputer/routes';
import type { Authenticate, NamespaceQuery } from '@komputer/routes';
import express from 'express';
import type { RequestHandler } from 'express';
import { toOfficeResponse } from '@komputer/agents';
import type {
  AgentService,
  ApprovalService,
  OfficeService,
  ScheduleService,
  SquadService,
  TemplateService,
} from '@komputer/agents';
import { apiKeyRoutes } from './api-key-routes';
import { audited } from './audit';
import { readCostBreakdown } from './cost-breakdown';
import type { PlatformTools } from '@komputer/platform-tools';
import { isEventId, readEventPage, readOfficeEventPage } from './event-pages';
import { deciderOf } from './decider';
import { platformMcp } from './platform-mcp';
import { toAgentResponse } from './presenters';
import { quotaRoutes } from './quota-routes';
import { rateLimited } from './rate-limit';
import type { RegistryClient } from './registry-client';
import { registryRoutes } from './registry-routes';
import type { WorkspaceFiles } from './workspace-files';

/** Everything the gateway's HTTP app needs, wired by the caller. */
export interface GatewayDeps {
  agents: AgentService;
  templates: TemplateService;
  schedules: ScheduleService;
  offices: OfficeService;
  squads: SquadService;
  approvals: ApprovalService;
  /** The connector-registry, which serves connectors, secrets, memories and skills. */
  registry: RegistryClient;
  events: EventStore;
  /** Namespaces' quotas and usage. */
  quotas: QuotaStore;
  /** The audit trail of state-changing calls. */
  audit: AuditStore;
  /** Each caller's token bucket, which every operation but the public ones takes from. */
  rateLimiter: RateLimiter;
  /** Agents' workspace files, for downloads. */
  workspaces: WorkspaceFiles;
  /** Serves the live event routes (SSE here; WebSocket through the server's upgrades). */
  relay: Relay;
  health: Health;
  /** Observes every request, and serves `GET /metrics`. */
  metrics: Metrics;
  logger: Logger;
  defaultNamespace: string;
  /** Largest JSON body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects accepted in a JSON body. */
  jsonMaxDepth: number;
  /** Origins whose browser pages may call the API (`*`: any); empty: none. */
  corsOrigins: readonly string[];
  /** Namespaces that hold agents (the default one is always listed too). */
  listNamespaces: () => Promise<string[]>;
  /** The hook every operation goes through (the relay's upgrades too). */
  authenticate: Authenticate;
  /** The API keys that the key operations manage. */
  apiKeys: ApiKeyStore;
  /** The platform tools that `/mcp` serves to outside MCP clients. */
  platform: PlatformTools;
}

/**
 * The table with each caller's operation behind the rate limit, and each state-changing one
 * (every method but GET) in the audit trail, the registry's forwarded ones included.
 */
function governed(
  table: Record<OperationId, RequestHandler>,
  deps: GatewayDeps,
): Record<OperationId, RequestHandler> {
  const audit = { store: deps.audit, defaultNamespace: deps.defaultNamespace, logger: deps.logger };
  const entries = (Object.entries(table) as [OperationId, RequestHandler][]).map(
    ([id, handler]): [OperationId, RequestHandler] => {
      const spec = operations[id];
      const limited = spec.security === 'caller' ? rateLimited(deps.rateLimiter, handler) : handler;
      return [id, spec.method === 'get' ? limited : audited(id, limited, audit)];
    },
  );
  return Object.fromEntries(entries) as Record<OperationId, RequestHandler>;
}

/** Builds the gateway's Express app, without listening. */
export function createApp(deps: GatewayDeps): express.Express {
  const { agents, templates, schedules, offices, squads, events, defaultNamespace } = deps;
  const openApiDocument = buildOpenApiDocument();
  const ns = (query: NamespaceQuery) => namespaceOf(query, defaultNamespace);
  const bodyNamespace = (query: NamespaceQuery, body: NamespaceQuery) =>
    bodyNamespaceOf(query, body, defaultNamespace);
  const templateAt = (namespace: string, scope: TemplateScope = 'namespace'): TemplateLocation => ({
    scope,
    namespace,
  });
  /** Agents as the API shows them, each with its template's model where it has none. */
  const present = async (list: AgentRecord[]): Promise<AgentResponse[]> => {
    const byNamespace = new Map<string, Map<string, string>>();
    for (const namespace of new Set(list.map((a) => a.namespace))) {
      const named = list.filter((a) => a.namespace === namespace && !a.spec.model);
      byNamespace.set(
        namespace,
        await templates.models(
          namespace,
          named.map((a) => a.spec.templateRef),
        ),
      );
    }
    return list.map((a) =>
      toAgentResponse(a, byNamespace.get(a.namespace)?.get(a.spec.templateRef) ?? ''),
    );
  };
  const presentOne = async (agent: AgentRecord) => (await present([agent]))[0] as AgentResponse;

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeadersMiddleware);
  app.set('query parser', 'simple');
  // A span per request when traces are on: a task's trace starts at its POST.
  if (tracingEnabled()) app.use(tracingMiddleware('gateway'));
  app.use(deps.metrics.http);
  app.get('/metrics', deps.metrics.handler);
  app.use(requestIdMiddleware);
  app.use(corsMiddleware(deps.corsOrigins));
  app.use(jsonBodyParser({ limitBytes: deps.bodyLimitBytes, maxDepth: deps.jsonMaxDepth }));

  const router = express.Router();
  // Every operation of the table: the compiler checks that none is missing.
  const table: Record<OperationId, RequestHandler> = {
    listAgents: route(operations.listAgents, async ({ query }) => ({
      agents: await present(
        (await agents.list(ns(query))).filter((a) => matchesLabels(a.spec.labels, query.label)),
      ),
    })),
    createAgent: route(operations.createAgent, async ({ query, body }) => {
      const namespace = bodyNamespace(query, body);
      const { agent, ...outcome } = await agents.createOrRun(namespace, body, {
        steer: query.steer,
      });
      return { ...(await presentOne(agent)), ...outcome };
    }),
    getAgent: route(operations.getAgent, async ({ path, query }) =>
      presentOne(await agents.get(ns(query), path.name)),
    ),
    patchAgent: route(operations.patchAgent, async ({ path, query, body }) =>
      presentOne(await agents.patch(ns(query), path.name, body)),
    ),
    deleteAgent: route(operations.deleteAgent, async ({ path, query }) => {
      await agents.delete(ns(query), path.name);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    cancelAgentTask: route(operations.cancelAgentTask, ({ path, query }) =>
      agents.cancel(ns(query), path.name),
    ),
    compactAgentTask: route(operations.compactAgentTask, ({ path, query, body }) =>
      agents.compact(ns(query), path.name, body.instructions),
    ),
    getAgentEvents: route(operations.getAgentEvents, async ({ path, query }) => {
      const namespace = ns(query);
      await agents.get(namespace, path.name);
      // Only an id can be older than the stream: a timestamp is a position in time.
      if (query.after && isEventId(query.after)) {
        await deps.relay.checkCursor(namespace, path.name, query.after);
      }
      return {
        agent: path.name,
        events: await readEventPage(events, { namespace, agentName: path.name, query }),
      };
    }),
    getAgentCost: route(operations.getAgentCost, async ({ path, query }) => {
      const namespace = ns(query);
      await agents.get(namespace, path.name);
      return readCostBreakdown(events, namespace, path.name);
    }),
    downloadAgentFile: async (req, res) => {
      const { path, query } = parseRouteInput(operations.downloadAgentFile, req, res);
      const agent = await agents.get(ns(query), path.name);
      const file = await deps.workspaces.open(agent, path.path);
      // A file an agent wrote is never run as a page of the gateway's origin.
      res
        .status(200)
        .attachment(file.filename)
        .set({
          'Content-Length': String(file.size),
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "default-src 'none'; sandbox",
        });
      if (file.size === 0 || req.method === 'HEAD') {
        await file.handle.close();
        res.end();
        return;
      }
      // No more than the size it had when opened, should the agent be writing to it.
      const stream = file.handle.createReadStream({ start: 0, end: file.size - 1 });
      await pipeline(stream, res).catch((err: unknown) => {
        deps.logger.debug({ err, agent: path.name }, 'a download ended early');
        res.destroy();
      });
    },
    watchAgentEvents: deps.relay.handlers.watchAgentEvents,
    streamAgentEvents: deps.relay.handlers.streamAgentEvents,
    watchEvents: deps.relay.handlers.watchEvents,
    ...registryRoutes(deps.registry, defaultNamespace),
    listTemplates: route(operations.listTemplates, async ({ query }) => ({
      templates: await templates.list(ns(query)),
    })),
    createTemplate: route(operations.createTemplate, ({ query, body }) =>
      templates.put(templateAt(bodyNamespace(query, body), body.scope), body),
    ),
    getTemplate: route(operations.getTemplate, ({ path, query }) =>
      templates.get(templateAt(ns(query), query.scope), path.name),
    ),
    patchTemplate: route(operations.patchTemplate, ({ path, query, body }) =>
      templates.patch(templateAt(ns(query), query.scope), path.name, body),
    ),
    deleteTemplate: route(operations.deleteTemplate, async ({ path, query }) => {
      const location = templateAt(ns(query), query.scope);
      await templates.delete(location, path.name);
      return {
        status: 'deleted',
        name: path.name,
        scope: location.scope,
        ...(location.scope === 'namespace' ? { namespace: location.namespace } : {}),
      };
    }),
    listSchedules: route(operations.listSchedules, async ({ query }) => ({
      schedules: await schedules.list(ns(query)),
    })),
    createSchedule: route(operations.createSchedule, ({ query, body }) =>
      schedules.put(bodyNamespace(query, body), body),
    ),
    getSchedule: route(operations.getSchedule, ({ path, query }) =>
      schedules.get(ns(query), path.name),
    ),
    patchSchedule: route(operations.patchSchedule, ({ path, query, body }) =>
      schedules.patch(ns(query), path.name, body),
    ),
    deleteSchedule: route(operations.deleteSchedule, async ({ path, query }) => {
      await schedules.delete(ns(query), path.name);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    triggerSchedule: route(operations.triggerSchedule, ({ path, query }) =>
      schedules.trigger(ns(query), path.name),
    ),
    listOffices: route(operations.listOffices, async ({ query }) => ({
      offices: (await offices.list(ns(query))).map(toOfficeResponse),
    })),
    getOffice: route(operations.getOffice, async ({ path, query }) =>
      toOfficeResponse(await offices.get(ns(query), path.name)),
    ),
    deleteOffice: route(operations.deleteOffice, async ({ path, query }) => {
      const deleted = await offices.delete(ns(query), path.name);
      return {
        status: 'deleted',
        name: path.name,
        namespace: ns(query),
        deletedAgents: String(deleted),
      };
    }),
    getOfficeEvents: route(operations.getOfficeEvents, async ({ path, query }) => {
      const namespace = ns(query);
      const office = await offices.get(namespace, path.name);
      return {
        office: path.name,
        events: await readOfficeEventPage(events, {
          namespace,
          members: office.records.map((agent) => agent.name),
          query,
          checkCursor: (name, cursor) => deps.relay.checkCursor(namespace, name, cursor),
        }),
      };
    }),
    watchOfficeEvents: deps.relay.handlers.watchOfficeEvents,
    streamOfficeEvents: deps.relay.handlers.streamOfficeEvents,
    listSquads: route(operations.listSquads, async ({ query }) => ({
      squads: await squads.list(ns(query)),
    })),
    createSquad: route(operations.createSquad, ({ query, body }) =>
      squads.create(bodyNamespace(query, body), body),
    ),
    getSquad: route(operations.getSquad, ({ path, query }) => squads.get(ns(query), path.name)),
    patchSquad: route(operations.patchSquad, ({ path, query, body }) =>
      squads.patch(ns(query), path.name, body),
    ),
    deleteSquad: route(operations.deleteSquad, async ({ path, query }) => {
      await squads.delete(ns(query), path.name);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    breakUpSquad: route(operations.breakUpSquad, ({ path, query }) =>
      squads.breakUp(ns(query), path.name),
    ),
    addSquadMember: route(operations.addSquadMember, ({ path, query, body }) =>
      squads.addMember(ns(query), path.name, body),
    ),
    removeSquadMember: route(operations.removeSquadMember, ({ path, query }) =>
      squads.removeMember(ns(query), path.name, path.agent),
    ),
    listAgentApprovals: route(operations.listAgentApprovals, async ({ path, query }) => ({
      approvals: await deps.approvals.list(ns(query), path.name),
    })),
    decideAgentApproval: route(operations.decideAgentApproval, ({ path, query, body, res }) =>
      deps.approvals.decide(
        ns(query),
        path.name,
        path.id,
        body,
        deciderOf(res.locals['principal']),
      ),
    ),
    listOfficeApprovals: route(operations.listOfficeApprovals, async ({ path, query }) => ({
      approvals: await deps.approvals.listInOffice(ns(query), path.name),
    })),
    decideOfficeApproval: route(operations.decideOfficeApproval, ({ path, query, body, res }) =>
      deps.approvals.decideInOffice(
        ns(query),
        path.name,
        path.id,
        body,
        deciderOf(res.locals['principal']),
      ),
    ),
    listNamespaces: route(operations.listNamespaces, async ({ res }) => ({
      namespaces: [...new Set([defaultNamespace, ...(await deps.listNamespaces())])]
        .filter((namespace) => principalReaches(principalOf(res.locals), namespace))
        .sort(),
    })),
    ...apiKeyRoutes(deps.apiKeys),
    callPlatformTools: platformMcp({ tools: deps.platform, defaultNamespace }),
    ...quotaRoutes({ quotas: deps.quotas, audit: deps.audit, defaultNamespace }),
    getOpenApiDocument: route(operations.getOpenApiDocument, () => openApiDocument),
    getHealth: deps.health.handlers.healthz,
    getReadiness: deps.health.handlers.readyz,
  };
  mountRoutes(router, governed(table, deps), { authenticate: deps.authenticate });
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
