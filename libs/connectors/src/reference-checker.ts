import { locateRef } from '@komputer/contracts';
import type { ConnectorSpec, ContentSpec } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Keys } from '@komputer/store';
import type { RedisClient } from '@komputer/service-kit';
import { createResourceStores } from './resource-store';
import type { ResourceStore } from './resource-store';
import { RedisSecretStore } from './secret-store';
import type { SecretStore } from './secret-store';

/** The references of an agent's spec that must name something that exists. */
export interface AgentRefs {
  connectors?: readonly string[] | undefined;
  secretRefs?: readonly string[] | undefined;
  memories?: readonly string[] | undefined;
  skills?: readonly string[] | undefined;
}

/** Options for {@link ReferenceChecker}. */
export interface ReferenceCheckerOptions {
  connectors: ResourceStore<ConnectorSpec>;
  /** Only whether a secret exists is read: never its values. */
  secrets: Pick<SecretStore, 'get'>;
  memories: ResourceStore<ContentSpec>;
  skills: ResourceStore<ContentSpec>;
}

/** The 400 for a reference, in body field `field`, to something that does not exist. */
export function missingReference(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, `body.${field}: ${message}`, {
    details: { issues: [{ path: `body.${field}`, message }] },
    retryable: false,
  });
}

/**
 * Checks that what an agent names (connectors, secrets, memories, skills) exists, by reading
 * their stores: the agents domain does this on every create and patch, in whichever service
 * serves the agents, so that it keeps working when the connector-registry is away.
 */
export class ReferenceChecker {
  constructor(private readonly options: ReferenceCheckerOptions) {}

  /** Throws a 400 naming the first reference in `refs` that points at nothing. */
  async check(namespace: string, refs: AgentRefs): Promise<void> {
    const { connectors, secrets, memories, skills } = this.options;
    for (const name of refs.connectors ?? []) {
      if (!(await connectors.get(namespace, name))) {
        throw missingReference(
          'connectors',
          `connector "${name}" does not exist in namespace "${namespace}"`,
        );
      }
    }
    for (const name of refs.secretRefs ?? []) {
      if (!(await secrets.get(namespace, name))) {
        throw missingReference(
          'secretRefs',
          `secret "${name}" does not exist in namespace "${namespace}"`,
        );
      }
    }
    for (const [field, kind, store] of [
      ['memories', 'memory', memories],
      ['skills', 'skill', skills],
    ] as const) {
      for (const ref of refs[field] ?? []) {
        // A memory or a skill may be named from another namespace, as `namespace/name`.
        const where = locateRef(namespace, ref);
        if (!(await store.get(where.namespace, where.name))) {
          throw missingReference(
            field,
            `${kind} "${where.name}" does not exist in namespace "${where.namespace}"`,
          );
        }
      }
    }
  }
}

/** A {@link ReferenceChecker} over the Redis stores; it needs no secret key. */
export function createReferenceChecker(redis: RedisClient, keys: Keys): ReferenceChecker {
  const stores = createResourceStores(redis, keys);
  return new ReferenceChecker({
    ...stores,
    secrets: new RedisSecretStore({ redis, keys }),
  });
}
