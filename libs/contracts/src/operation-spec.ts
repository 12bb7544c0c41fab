import { z } from 'zod';
import type { AccessLevel } from './api-keys';
import { NameSchema, NamespaceSchema } from './common';

/** The API's base path. */
export const API_PREFIX = '/api/v1';

/** `?namespace=`, accepted by every endpoint. */
export const NamespaceQuerySchema = z.object({ namespace: NamespaceSchema.optional() });

/** A path whose one parameter is `name`, a resource's name. */
export function namePath(description: string) {
  return z.object({ name: NameSchema.meta({ param: { description } }) });
}

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One API operation: the single description that both the router and the OpenAPI document use. */
export interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/v1/agents/{name}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  params?: { path?: z.ZodObject; query?: z.ZodType };
  body?: z.ZodType;
  /** The body may be left out (no body at all, not an empty one): it is then read as `{}`. */
  bodyOptional?: true;
  /**
   * Success status and schema. `101` is a WebSocket upgrade, whose messages `schema` describes;
   * `text/event-stream` is Server-Sent Events, whose events' data `schema` describes.
   */
  success: {
    status: 101 | 200 | 201;
    description: string;
    schema: z.ZodType;
    mediaType?: 'application/json' | 'text/event-stream' | 'application/octet-stream';
  };
  /**
   * The path parameter, the last one, that takes the rest of the path, slashes included (a
   * file's path). OpenAPI has no such parameter: the document names it as a plain one.
   */
  wildcard?: string;
  /** Error statuses this operation can answer besides 500 and 503. */
  errors: readonly (400 | 402 | 403 | 404 | 409 | 410 | 413 | 415 | 426 | 429 | 501 | 502)[];
  /**
   * Who may call it: `public` operations (health, readiness, the OpenAPI document) answer
   * anyone; `caller` operations go through the service's authentication hook, which decides.
   */
  security: OperationSecurity;
  /**
   * The level a key needs to call it, when not the one its method implies: `read` for `GET`,
   * `write` for every other method. Key management needs `admin`. The OpenAPI document shows it
   * as `x-komputer-access`.
   */
  access?: AccessLevel;
  /**
   * `false` for an operation that acts in no one namespace (it lists across namespaces, or
   * manages keys): the tenant check leaves it to the handler, which shows only what the key
   * reaches. Every other operation acts in the namespace its request names (`?namespace=`, else
   * the body's `namespace`, else the service's default), and a key that does not reach it gets 404.
   */
  namespaced?: false;
}

/** Who may call an operation; see {@link OperationSpec.security}. */
export type OperationSecurity = 'public' | 'caller';

/** The level a key needs to call `spec`: its `access`, else `read` for GET and `write` otherwise. */
export function requiredAccess(spec: OperationSpec): AccessLevel {
  return spec.access ?? (spec.method === 'get' ? 'read' : 'write');
}

/** An operation, typed as written: the table keeps each one's literal types. */
export function op<const T extends OperationSpec>(spec: T): T {
  return spec;
}
