import { z } from 'zod';
import {
  ApiKeyIdSchema,
  ApiKeyListResponseSchema,
  ApiKeyResponseSchema,
  ApiKeySecretResponseSchema,
  AUTH_TICKET_TTL_MS,
  AuthTicketResponseSchema,
  CreateApiKeyRequestSchema,
  RevokeApiKeyResponseSchema,
} from './api-keys';
import { API_PREFIX } from './operation-spec';
import type { OperationSpec } from './operation-spec';

const ApiKeyPathSchema = z.object({
  id: ApiKeyIdSchema.meta({ param: { description: 'Key id' } }),
});

const SCOPED =
  'A key scoped to some namespaces manages only the keys whose namespaces are all among its own; ' +
  'any other is not found.';

/** The operations of API keys and stream tickets, spread into the operation table. */
export const apiKeyOperations = {
  createApiKey: {
    method: 'post',
    path: `${API_PREFIX}/api-keys`,
    summary: 'Create an API key',
    description:
      'Creates a key with its namespaces and level, and answers its key string, which is shown this once ' +
      '(only its hash is kept). A key creates keys only within its own namespaces (403 otherwise).',
    tag: 'auth',
    security: 'caller',
    access: 'admin',
    namespaced: false,
    body: CreateApiKeyRequestSchema,
    success: {
      status: 201,
      description: 'The key, with its key string',
      schema: ApiKeySecretResponseSchema,
    },
    errors: [400, 403, 409, 413, 415],
  },
  listApiKeys: {
    method: 'get',
    path: `${API_PREFIX}/api-keys`,
    summary: 'List API keys',
    description: `Every key, by id, without its secret. ${SCOPED}`,
    tag: 'auth',
    security: 'caller',
    access: 'admin',
    namespaced: false,
    success: { status: 200, description: 'The keys, by id', schema: ApiKeyListResponseSchema },
    errors: [],
  },
  getApiKey: {
    method: 'get',
    path: `${API_PREFIX}/api-keys/{id}`,
    summary: 'Get an API key',
    description: `The key, without its secret. ${SCOPED}`,
    tag: 'auth',
    security: 'caller',
    access: 'admin',
    namespaced: false,
    params: { path: ApiKeyPathSchema },
    success: { status: 200, description: 'The key', schema: ApiKeyResponseSchema },
    errors: [400, 404],
  },
  rotateApiKey: {
    method: 'post',
    path: `${API_PREFIX}/api-keys/{id}/rotate`,
    summary: 'Rotate an API key',
    description:
      'Gives the key a new secret and answers its new key string, shown this once. The id and scopes stay; ' +
      'the old key string stops working at once, and the streams opened with it end (close code 4401). ' +
      SCOPED,
    tag: 'auth',
    security: 'caller',
    access: 'admin',
    namespaced: false,
    params: { path: ApiKeyPathSchema },
    success: {
      status: 200,
      description: 'The key, with its new key string',
      schema: ApiKeySecretResponseSchema,
    },
    errors: [400, 404],
  },
  revokeApiKey: {
    method: 'delete',
    path: `${API_PREFIX}/api-keys/{id}`,
    summary: 'Revoke an API key',
    description:
      'Deletes the key: it stops working at once, and the streams opened with it end (close code 4401). ' +
      SCOPED,
    tag: 'auth',
    security: 'caller',
    access: 'admin',
    namespaced: false,
    params: { path: ApiKeyPathSchema },
    success: {
      status: 200,
      description: 'The key was revoked',
      schema: RevokeApiKeyResponseSchema,
    },
    errors: [400, 404],
  },
  createAuthTicket: {
    method: 'post',
    path: `${API_PREFIX}/auth/tickets`,
    summary: 'Exchange the key for a stream ticket',
    description:
      'For a client that cannot set headers on a WebSocket or an EventSource (a browser): a ticket that ' +
      `stands for the calling key on one WebSocket or SSE request, as \`?ticket=\`, within ${AUTH_TICKET_TTL_MS / 1000} s. ` +
      'It works once, only there, and not as a key.',
    tag: 'auth',
    security: 'caller',
    access: 'read',
    namespaced: false,
    success: { status: 201, description: 'The ticket', schema: AuthTicketResponseSchema },
    errors: [],
  },
} as const satisfies Record<string, OperationSpec>;
