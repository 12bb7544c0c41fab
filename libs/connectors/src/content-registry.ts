import { locateRef } from '@komputer/contracts';
import type { ContentSpec, ErrorCode, SkillResponse } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type { AgentStore } from '@komputer/store';
import type { ResourceRecord, ResourceStore } from './resource-store';

/** The two kinds of text that agents attach by name. */
export type ContentKind = 'memory' | 'skill';

const KINDS: Record<ContentKind, { notFound: ErrorCode; inUse: ErrorCode }> = {
  memory: { notFound: 'MEMORY_NOT_FOUND', inUse: 'MEMORY_IN_USE' },
  skill: { notFound: 'SKILL_NOT_FOUND', inUse: 'SKILL_IN_USE' },
};

/** Options for {@link ContentRegistry}. */
export interface ContentRegistryOptions {
  kind: ContentKind;
  store: ResourceStore<ContentSpec>;
  agents: AgentStore;
  logger: Logger;
}

/** A memory or a skill, with the agents that attach it. */
export interface ContentResource extends ContentSpec {
  name: string;
  namespace: string;
  attachedAgents: number;
  /** "name" for an agent in the resource's namespace, "namespace/name" for one elsewhere; sorted. */
  agentNames: string[];
  createdAt: string;
}

/** A memory or a skill that a task gets, under the reference its agent names it by. */
export interface ResolvedContent extends ContentSpec {
  ref: string;
}

/** A resource as the API shows it, with the agents that name it. */
function present(record: ResourceRecord<ContentSpec>, agentNames: string[]): ContentResource {
  return {
    name: record.name,
    namespace: record.namespace,
    ...record.spec,
    attachedAgents: agentNames.length,
    agentNames,
    createdAt: record.createdAt,
  };
}

/**
 * Memories or skills (one registry per kind): their API behaviour, and their text for a task.
 * Agents attach them by name, from any namespace; the agents that use one are read from its
 * reverse index, which holds them from every namespace.
 */
export class ContentRegistry {
  private readonly kind: ContentKind;

  constructor(private readonly options: ContentRegistryOptions) {
    this.kind = options.kind;
  }

  async list(namespace: string): Promise<ContentResource[]> {
    const records = await this.options.store.list(namespace);
    const users = await this.options.agents.attachedAgents(
      this.kind,
      namespace,
      records.map((r) => r.name),
    );
    return records.map((r, i) => present(r, users[i] ?? []));
  }

  async get(namespace: string, name: string): Promise<ContentResource> {
    const record = await this.options.store.get(namespace, name);
    if (!record) throw this.notFound(namespace, name);
    return this.presentOne(record);
  }

  /** Creates the resource, or replaces an existing one's content and description. */
  async put(namespace: string, name: string, spec: ContentSpec): Promise<ContentResource> {
    const record = await this.options.store.put(namespace, name, spec, new Date().toISOString());
    this.options.logger.info({ namespace, [this.kind]: name }, `${this.kind} saved`);
    return this.presentOne(record);
  }

  /** Changes the given fields of an existing resource. */
  async patch(
    namespace: string,
    name: string,
    fields: Partial<ContentSpec>,
  ): Promise<ContentResource> {
    const record = await this.options.store.patch(
      namespace,
      name,
      fields,
      new Date().toISOString(),
    );
    if (!record) throw this.notFound(namespace, name);
    this.options.logger.info({ namespace, [this.kind]: name }, `${this.kind} updated`);
    return this.presentOne(record);
  }

  /** Deletes a resource; one that agents attach answers 409 naming them, unless `force`. */
  async delete(namespace: string, name: string, force: boolean): Promise<void> {
    if (!(await this.options.store.get(namespace, name))) throw this.notFound(namespace, name);
    const [users = []] = await this.options.agents.attachedAgents(this.kind, namespace, [name]);
    if (users.length > 0 && !force) {
      throw new AppError(
        KINDS[this.kind].inUse,
        409,
        `${this.kind} "${name}" is used by agents ${users.map((u) => `"${u}"`).join(', ')}; ` +
          'detach it from them with PATCH, or delete with ?force=true',
        { details: { agentNames: users }, retryable: false },
      );
    }
    if (!(await this.options.store.delete(namespace, name))) throw this.notFound(namespace, name);
    this.options.logger.info(
      { namespace, [this.kind]: name, force, users },
      `${this.kind} deleted`,
    );
  }

  /**
   * The text of each of an agent's references, read now, in its order; a reference to a
   * resource deleted since (with `force`) is listed in `missing`.
   */
  async resolveForTask(
    agentNamespace: string,
    refs: readonly string[],
  ): Promise<{ found: ResolvedContent[]; missing: string[] }> {
    const records = await Promise.all(
      refs.map(async (ref) => {
        const { namespace, name } = locateRef(agentNamespace, ref);
        return { ref, record: await this.options.store.get(namespace, name) };
      }),
    );
    return {
      found: records.flatMap(({ ref, record }) => (record ? [{ ref, ...record.spec }] : [])),
      missing: records.flatMap(({ ref, record }) => (record ? [] : [ref])),
    };
  }

  private async presentOne(record: ResourceRecord<ContentSpec>): Promise<ContentResource> {
    const [users = []] = await this.options.agents.attachedAgents(this.kind, record.namespace, [
      record.name,
    ]);
    return present(record, users);
  }

  private notFound(namespace: string, name: string): AppError {
    return new AppError(
      KINDS[this.kind].notFound,
      404,
      `${this.kind} "${name}" not found in namespace "${namespace}"`,
      { retryable: false },
    );
  }
}

/** A skill as the API shows it: no skill is given to every agent unasked here. */
export function toSkillResponse(skill: ContentResource): SkillResponse {
  return { ...skill, description: skill.description ?? '', isDefault: false };
}

/**
 * The skills' operations as the API answers them (each skill through {@link toSkillResponse}),
 * for the registry's routes and the scheduler's platform tools alike.
 */
export function skillResponses(skills: ContentRegistry) {
  return {
    list: async (namespace: string) => (await skills.list(namespace)).map(toSkillResponse),
    get: async (namespace: string, name: string) =>
      toSkillResponse(await skills.get(namespace, name)),
    put: async (namespace: string, name: string, spec: ContentSpec) =>
      toSkillResponse(await skills.put(namespace, name, spec)),
    patch: async (namespace: string, name: string, fields: Partial<ContentSpec>) =>
      toSkillResponse(await skills.patch(namespace, name, fields)),
    delete: (namespace: string, name: string, force: boolean) =>
      skills.delete(namespace, name, force),
  };
}
