import { coversNamespaces, operations } from '@komputer/contracts';
import type { ApiKeyResponse, ApiKeySecretResponse, OperationIdTagged } from '@komputer/contracts';
import { principalNamespaces, principalOf, route } from '@komputer/routes';
import type { Principal } from '@komputer/routes';
import { AppError } from '@komputer/service-kit';
import type { ApiKeyRecord, ApiKeyStore, IssuedApiKey } from '@komputer/store';
import type { RequestHandler, Response } from 'express';

function toResponse(record: ApiKeyRecord): ApiKeyResponse {
  return {
    id: record.id,
    name: record.name,
    namespaces: record.namespaces === '*' ? '*' : [...record.namespaces],
    level: record.level,
    createdAt: record.createdAt,
    ...(record.rotatedAt ? { rotatedAt: record.rotatedAt } : {}),
  };
}

function toSecretResponse(issued: IssuedApiKey): ApiKeySecretResponse {
  return { ...toResponse(issued.record), key: issued.key };
}

const notFound = (id: string) =>
  new AppError('API_KEY_NOT_FOUND', 404, `API key "${id}" not found`, { retryable: false });

/** Whether the caller manages `record`: its namespaces are all among the caller's. */
function manages(principal: Principal, record: ApiKeyRecord): boolean {
  return coversNamespaces(principalNamespaces(principal), record.namespaces);
}

/**
 * The operations of API keys and tickets. The hook has checked the level (`admin` for keys);
 * here a key scoped to some namespaces sees and manages only keys within them, and creates no
 * key that reaches further than itself.
 */
export function apiKeyRoutes(keys: ApiKeyStore): Record<OperationIdTagged<'auth'>, RequestHandler> {
  const managed = async (res: Response, id: string): Promise<ApiKeyRecord> => {
    const record = await keys.get(id);
    if (!record || !manages(principalOf(res.locals), record)) throw notFound(id);
    return record;
  };
  return {
    createApiKey: route(operations.createApiKey, async ({ body, res }) => {
      if (!coversNamespaces(principalNamespaces(principalOf(res.locals)), body.namespaces)) {
        throw new AppError(
          'FORBIDDEN',
          403,
          'body.namespaces: a key creates keys only within its own namespaces',
          { retryable: false },
        );
      }
      const issued = await keys.create(body);
      if (!issued) {
        throw new AppError(
          'TOO_MANY_API_KEYS',
          409,
          'as many API keys are kept as may be; revoke one first',
          { retryable: false },
        );
      }
      return toSecretResponse(issued);
    }),
    listApiKeys: route(operations.listApiKeys, async ({ res }) => {
      const principal = principalOf(res.locals);
      return {
        apiKeys: (await keys.list()).filter((record) => manages(principal, record)).map(toResponse),
      };
    }),
    getApiKey: route(operations.getApiKey, async ({ path, res }) =>
      toResponse(await managed(res, path.id)),
    ),
    rotateApiKey: route(operations.rotateApiKey, async ({ path, res }) => {
      await managed(res, path.id);
      const issued = await keys.rotate(path.id);
      if (!issued) throw notFound(path.id);
      return toSecretResponse(issued);
    }),
    revokeApiKey: route(operations.revokeApiKey, async ({ path, res }) => {
      await managed(res, path.id);
      if (!(await keys.revoke(path.id))) throw notFound(path.id);
      return { status: 'revoked' as const, id: path.id };
    }),
    createAuthTicket: route(operations.createAuthTicket, async ({ res }) => {
      const principal = principalOf(res.locals);
      if (principal.kind !== 'key') {
        throw new AppError(
          'UNAUTHENTICATED',
          401,
          'a ticket stands for an API key: send one (with KOMPUTER_AUTH=off, streams need no ticket)',
          { retryable: false },
        );
      }
      return keys.issueTicket({ id: principal.keyId, generation: principal.generation });
    }),
  };
}
