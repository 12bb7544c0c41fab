import { createDocument } from 'zod-openapi';
import type {
  ZodOpenApiOperationObject,
  ZodOpenApiPathsObject,
  ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { ErrorEnvelopeSchema } from './errors';
import { operations, REGISTRY_TAGS, requiredAccess } from './operations';
import type { OperationSpec } from './operations';
import { CloseReasonSchema } from './relay';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the message names the field',
  401: 'No API key, or one that is not valid (`UNAUTHENTICATED`)',
  402: 'The namespace’s monthly budget is spent: no task starts before next month or a raised budget',
  403: 'Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace',
  404: 'Not found, or in a namespace the key does not reach',
  409: 'Conflict: the agent is busy or has no task to cancel, or the resource is in use',
  410: 'The cursor is older than what the stream retains: the events after it are gone',
  413: 'Request body, or the file asked for, too large',
  415: 'Request body is not JSON',
  429: 'Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some)',
  426: 'This route speaks WebSocket: send the upgrade headers',
  500: 'Internal error',
  501: 'Not available in this deployment: the message says why',
  502: 'The MCP server could not be reached, or did not answer in time',
  503: 'A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later',
  504: 'The connector-registry did not answer in time: a change may or may not have been made',
};

/** Version of the API document (not of the compatible reference API). */
export const API_VERSION = '1.0.0';

function errorResponse(status: number) {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    content: { 'application/json': { schema: ErrorEnvelopeSchema } },
  };
}

/** A 101 has no body: its messages' schema is named in an extension, by reference. */
function upgradeResponse(spec: OperationSpec) {
  const id = (spec.success.schema.meta() as { id?: string } | undefined)?.id;
  if (!id) throw new Error(`${spec.path}: a WebSocket message schema needs a meta id`);
  return {
    description: spec.success.description,
    'x-websocket-message': { $ref: `#/components/schemas/${id}` },
  };
}

function toOperation(operationId: string, spec: OperationSpec): ZodOpenApiOperationObject {
  const responses: Record<string, unknown> = {
    [spec.success.status]:
      spec.success.status === 101
        ? upgradeResponse(spec)
        : {
            description: spec.success.description,
            content: {
              [spec.success.mediaType ?? 'application/json']: { schema: spec.success.schema },
            },
          },
  };
  // The gateway forwards the registry's operations, and a registry that does not answer in time
  // is a 504 on them.
  const forwarded = (REGISTRY_TAGS as readonly string[]).includes(spec.tag) ? [504] : [];
  // Every caller's operation is rate limited, and with API keys on can refuse the key.
  const refusals = spec.security === 'caller' ? [401, 403, 429] : [];
  for (const status of new Set([...refusals, ...spec.errors, 500, 503, ...forwarded])) {
    responses[status] = errorResponse(status);
  }
  return {
    operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.security === 'public'
      ? { security: [] }
      : { 'x-komputer-access': requiredAccess(spec) }),
    tags: [spec.tag],
    ...(spec.params ? { requestParams: spec.params } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.bodyOptional !== true,
            content: { 'application/json': { schema: spec.body } },
          },
        }
      : {}),
    responses: responses as ZodOpenApiResponsesObject,
  } as ZodOpenApiOperationObject;
}

/** Builds the OpenAPI 3.1 document from the operation table. Pure and deterministic. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: ZodOpenApiPathsObject = {};
  for (const [operationId, spec] of Object.entries(operations) as [string, OperationSpec][]) {
    paths[spec.path] = { ...paths[spec.path], [spec.method]: toOperation(operationId, spec) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'komputer API',
      version: API_VERSION,
      description:
        'Control plane for AI agents: create agents, give them tasks, read and stream their events. ' +
        'A superset of the komputer.ai v1 API.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'agents', description: 'Agents and their tasks' },
      { name: 'connectors', description: 'MCP servers that agents can be given' },
      { name: 'oauth', description: 'Consent and tokens of connectors whose authType is "oauth"' },
      { name: 'secrets', description: 'Write-only credentials, for connectors and agents' },
      { name: 'events', description: 'Live event streams: WebSocket and Server-Sent Events' },
      { name: 'memories', description: 'Text appended to the system prompts of agents' },
      { name: 'skills', description: "Instructions written into agents' workspaces" },
      { name: 'templates', description: "Agents' defaults" },
      { name: 'schedules', description: 'Tasks given to agents on a cron expression' },
      { name: 'offices', description: 'A manager agent and the agents it created, recursively' },
      { name: 'squads', description: 'Agents that share one workspace, one task at a time' },
      { name: 'approvals', description: 'Tool calls that wait for a person’s decision' },
      { name: 'namespaces', description: 'Namespaces and their quotas' },
      {
        name: 'governance',
        description: 'Usage per namespace and agent, and the audit trail of state-changing calls',
      },
      { name: 'platform', description: 'The platform tools over MCP, for outside MCP clients' },
      { name: 'meta', description: 'The API document and health' },
      { name: 'auth', description: 'API keys, and tickets for streams' },
    ],
    // With `KOMPUTER_AUTH=on` (the default), every operation but the public ones needs a key, at
    // the level its `x-komputer-access` names.
    security: [{ bearerKey: [] }, { headerKey: [] }],
    paths,
    // Named in the live routes' descriptions, though no response carries it as a body: the
    // data of an SSE stream's last `close` event and a WebSocket's close reason.
    components: {
      schemas: { CloseReason: CloseReasonSchema },
      securitySchemes: {
        bearerKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key, `kpt_<id>_<secret>`',
        },
        headerKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  }) as unknown as Record<string, unknown>;
}
