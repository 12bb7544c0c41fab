import { z } from 'zod';

/** Every error code the API returns. Clients switch on the error body's `code`. */
export const ErrorCodeSchema = z
  .enum([
    'VALIDATION_FAILED',
    'INVALID_JSON',
    'UNSUPPORTED_MEDIA_TYPE',
    'PAYLOAD_TOO_LARGE',
    'NOT_FOUND',
    'AGENT_NOT_FOUND',
    'AGENT_BUSY',
    'TOO_MANY_STEERS',
    'RATE_LIMITED',
    'QUOTA_EXCEEDED',
    'BUDGET_EXCEEDED',
    'NO_ACTIVE_TASK',
    'CONNECTOR_NOT_FOUND',
    'CONNECTOR_IN_USE',
    'CONNECTOR_UNREACHABLE',
    'CONNECTOR_NOT_OAUTH',
    'OAUTH_NOT_CONNECTED',
    'OAUTH_STATE_INVALID',
    'OAUTH_DENIED',
    'OAUTH_SERVER_ERROR',
    'SECRET_NOT_FOUND',
    'MEMORY_NOT_FOUND',
    'MEMORY_IN_USE',
    'SKILL_NOT_FOUND',
    'SKILL_IN_USE',
    'TEMPLATE_NOT_FOUND',
    'TEMPLATE_IN_USE',
    'SCHEDULE_NOT_FOUND',
    'FILE_NOT_FOUND',
    'INVALID_PATH',
    'NOT_A_FILE',
    'PATH_OUTSIDE_WORKSPACE',
    'FILE_TOO_LARGE',
    'DOWNLOAD_UNAVAILABLE',
    'OFFICE_NOT_FOUND',
    'SQUAD_NOT_FOUND',
    'SQUAD_EXISTS',
    'SQUAD_MEMBER_CONFLICT',
    'SQUAD_BUSY',
    'APPROVAL_NOT_FOUND',
    'APPROVAL_CLOSED',
    'METHOD_NOT_ALLOWED',
    'UNAUTHENTICATED',
    'API_KEY_NOT_FOUND',
    'TOO_MANY_API_KEYS',
    'FORBIDDEN',
    'NAMESPACE_FORBIDDEN',
    'AGENT_NOT_MANAGED',
    'MANAGER_BUDGET_EXCEEDED',
    'TOO_MANY_SUB_TASKS',
    'ALREADY_ATTACHED',
    'NOT_ATTACHED',
    'CURSOR_EXPIRED',
    'UPGRADE_REQUIRED',
    'SLOW_CONSUMER',
    'TOO_MANY_CONNECTIONS',
    'SHUTTING_DOWN',
    'REDIS_UNAVAILABLE',
    'REGISTRY_UNAVAILABLE',
    'REGISTRY_TIMEOUT',
    'INTERNAL',
  ])
  .meta({ id: 'ErrorCode' });
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** Broad error families, one per HTTP status class, mirroring common API SDK conventions. */
export const ErrorTypeSchema = z
  .enum([
    'invalid_request_error',
    'authentication_error',
    'billing_error',
    'permission_error',
    'not_found_error',
    'conflict_error',
    'request_too_large',
    'rate_limit_error',
    'unavailable_error',
    'api_error',
  ])
  .meta({ id: 'ErrorType' });
export type ErrorType = z.infer<typeof ErrorTypeSchema>;

/** One problem with one field of a request. */
export const FieldIssueSchema = z
  .object({
    path: z.string().meta({ description: 'Dotted path of the field, e.g. "body.name"' }),
    message: z.string(),
  })
  .meta({ id: 'FieldIssue' });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/**
 * The error body. `error` is the human message, a string, as komputer.ai's clients read it; the
 * structured fields beside it are for clients that switch on a code.
 */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.string().meta({ description: 'What went wrong, for a person to read' }),
    code: ErrorCodeSchema,
    type: ErrorTypeSchema,
    requestId: z
      .string()
      .meta({ description: 'The X-Request-Id of the request; quote it in a report' }),
    retryable: z.boolean().meta({ description: 'Whether the same request may succeed later' }),
    details: z
      .object({ issues: z.array(FieldIssueSchema).optional() })
      .catchall(z.unknown())
      .optional(),
  })
  .meta({ id: 'Error' });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
