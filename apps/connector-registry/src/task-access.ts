import type { TaskTokenClaims, TaskTokenSigner } from '@komputer/connectors';
import { AppError } from '@komputer/service-kit';
import type { Keys } from '@komputer/store';
import type { RedisClient } from '@komputer/service-kit';

/** Options for {@link TaskAccess}. */
export interface TaskAccessOptions {
  redis: RedisClient;
  keys: Keys;
  /** Checks the tokens' signatures: keyed from the secret key the scheduler signs them with. */
  signer: TaskTokenSigner;
}

/** The fields of an agent's hash that decide whether a token may reach a connector. */
const FIELDS = ['taskStatus', 'taskId', 'uid', 'spec.connectors'] as const;

function unauthenticated(message: string): AppError {
  return new AppError('UNAUTHENTICATED', 401, message, { retryable: false });
}

function forbidden(message: string): AppError {
  return new AppError('FORBIDDEN', 403, message, { retryable: false });
}

/** The token of an `Authorization: Bearer <token>` header, or ''. */
function bearerOf(authorization: string | undefined): string {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
}

/**
 * Decides whether a request to a connector's MCP endpoint may go on: its bearer token is a task
 * token signed with our key and not expired, that task is the agent's running task (the same
 * agent, not one created again under its name), and the agent has the connector attached. The
 * last two are read with one HMGET on every request, so that a task's end or a detach ends its
 * access at its next call.
 */
export class TaskAccess {
  constructor(private readonly options: TaskAccessOptions) {}

  /** The claims of the request's token; throws a 401 or 403 {@link AppError} otherwise. */
  async check(
    authorization: string | undefined,
    namespace: string,
    connector: string,
  ): Promise<TaskTokenClaims> {
    const token = bearerOf(authorization);
    if (!token) throw unauthenticated('a running task’s token is required as the bearer token');
    const claims = this.options.signer.verify(token);
    if (!claims) throw unauthenticated('the task token is not valid, or has expired');
    if (claims.namespace !== namespace) {
      throw forbidden(`the task’s agent is not in namespace "${namespace}"`);
    }
    const [taskStatus, taskId, uid, connectors] = await this.options.redis.hmget(
      this.options.keys.agent(claims.namespace, claims.agent),
      ...FIELDS,
    );
    if (taskStatus !== 'InProgress' || taskId !== claims.taskId || (uid ?? '') !== claims.uid) {
      throw forbidden(`task ${claims.taskId} is not running`);
    }
    if (!attached(connectors ?? null, connector)) {
      throw forbidden(`agent "${claims.agent}" does not have connector "${connector}" attached`);
    }
    return claims;
  }
}

/** Whether the agent's `spec.connectors` (JSON, as stored) names `connector`. */
function attached(stored: string | null, connector: string): boolean {
  if (!stored) return false;
  try {
    const names: unknown = JSON.parse(stored);
    return Array.isArray(names) && names.includes(connector);
  } catch {
    return false;
  }
}
