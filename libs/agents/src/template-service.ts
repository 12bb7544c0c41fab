import { BUILTIN_TEMPLATE, DEFAULT_MODEL, DEFAULT_TEMPLATE } from '@komputer/contracts';
import type {
  CreateTemplateRequest,
  PatchTemplateRequest,
  TemplateResponse,
  TemplateSpec,
} from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type { TemplateLocation, TemplateRecord, TemplateStore } from '@komputer/store';

/** Dependencies of {@link TemplateService}. */
export interface TemplateServiceOptions {
  templates: TemplateStore;
  logger: Logger;
}

/** A stored template as the API shows it. */
export function toTemplateResponse(record: TemplateRecord): TemplateResponse {
  const { spec } = record;
  return {
    name: record.name,
    scope: record.scope,
    ...(record.namespace !== undefined ? { namespace: record.namespace } : {}),
    description: spec.description ?? '',
    model: spec.model ?? DEFAULT_MODEL,
    limits: spec.limits ?? {},
    ...(spec.podSpec !== undefined ? { podSpec: spec.podSpec } : {}),
    ...(spec.storage !== undefined ? { storage: spec.storage } : {}),
    ...(spec.allowedDomains !== undefined ? { allowedDomains: spec.allowedDomains } : {}),
    ...(spec.thinking !== undefined ? { thinking: spec.thinking } : {}),
    ...(spec.maxConcurrentAgents !== undefined
      ? { maxConcurrentAgents: spec.maxConcurrentAgents }
      : {}),
    ...(spec.ttl !== undefined ? { ttl: spec.ttl } : {}),
    ...(spec.managerScope !== undefined ? { managerScope: spec.managerScope } : {}),
    ...(spec.approvals !== undefined ? { approvals: spec.approvals } : {}),
    ...(spec.warmPoolSize !== undefined ? { warmPoolSize: spec.warmPoolSize } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The settings of a create request: everything but where the template goes. */
function specOf(request: CreateTemplateRequest): TemplateSpec {
  const { name: _name, namespace: _namespace, scope: _scope, ...spec } = request;
  return spec;
}

function where(location: TemplateLocation): string {
  return location.scope === 'cluster' ? 'cluster-wide' : `in namespace "${location.namespace}"`;
}

function notFound(location: TemplateLocation, name: string): AppError {
  return new AppError(
    'TEMPLATE_NOT_FOUND',
    404,
    `template "${name}" not found ${where(location)}`,
    {
      retryable: false,
    },
  );
}

/**
 * Agent templates: namespaced ones, cluster-wide ones, and the built-in cluster "default" that
 * applies while no template of that name is stored. An agent names one in `templateRef`; at
 * each task its own fields win over the template's, which win over the scheduler's settings.
 */
export class TemplateService {
  constructor(private readonly options: TemplateServiceOptions) {}

  /**
   * Every template the namespace's agents can name: the namespace's own, then the cluster's that
   * none of those shadows, then the built-in "default" unless a stored one shadows it.
   */
  async list(namespace: string): Promise<TemplateResponse[]> {
    const { templates } = this.options;
    const [own, cluster] = await Promise.all([
      templates.list({ scope: 'namespace', namespace }),
      templates.list({ scope: 'cluster', namespace }),
    ]);
    const names = new Set(own.map((t) => t.name));
    const visible = [...own, ...cluster.filter((t) => !names.has(t.name))];
    const builtin = visible.some((t) => t.name === DEFAULT_TEMPLATE) ? [] : [BUILTIN_TEMPLATE];
    return [...visible.map(toTemplateResponse), ...builtin];
  }

  /** One template, or 404; the cluster's "default" is the built-in one while none is stored. */
  async get(location: TemplateLocation, name: string): Promise<TemplateResponse> {
    const record = await this.options.templates.get(location, name);
    if (record) return toTemplateResponse(record);
    if (location.scope === 'cluster' && name === DEFAULT_TEMPLATE) return BUILTIN_TEMPLATE;
    throw notFound(location, name);
  }

  /**
   * The template that an agent of `namespace` naming `name` gets: its namespace's, else the
   * cluster's, else the built-in "default"; undefined when there is none.
   */
  async resolve(namespace: string, name: string): Promise<TemplateResponse | undefined> {
    const record = await this.options.templates.resolve(namespace, name);
    if (record) return toTemplateResponse(record);
    return name === DEFAULT_TEMPLATE ? BUILTIN_TEMPLATE : undefined;
  }

  /** The model that agents of `namespace` without their own get from each template named. */
  async models(namespace: string, names: Iterable<string>): Promise<Map<string, string>> {
    const unique = [...new Set(names)];
    const found = await Promise.all(unique.map((name) => this.resolve(namespace, name)));
    return new Map(unique.map((name, i) => [name, found[i]?.model ?? DEFAULT_MODEL]));
  }

  /** Creates the template, or replaces every setting of the existing one. */
  async put(location: TemplateLocation, request: CreateTemplateRequest): Promise<TemplateResponse> {
    const record = await this.options.templates.put(location, request.name, specOf(request), true);
    if (!record) throw new Error(`template "${request.name}" was not stored`);
    this.options.logger.info({ ...location, template: request.name }, 'template stored');
    return toTemplateResponse(record);
  }

  /**
   * Changes the given settings. The built-in cluster "default" is stored on its first change,
   * with its settings and the change.
   */
  async patch(
    location: TemplateLocation,
    name: string,
    changes: PatchTemplateRequest,
  ): Promise<TemplateResponse> {
    const { templates } = this.options;
    let record = await templates.put(location, name, changes, false);
    if (!record && location.scope === 'cluster' && name === DEFAULT_TEMPLATE) {
      const { description, model, limits } = BUILTIN_TEMPLATE;
      record = await templates.put(
        location,
        name,
        { description, model, limits, ...changes },
        true,
      );
    }
    if (!record) throw notFound(location, name);
    return toTemplateResponse(record);
  }

  /**
   * Deletes the template, or answers 409 naming the agents that name it. A "default" is always
   * deleted: the cluster's, or the built-in one, applies to its agents again.
   */
  async delete(location: TemplateLocation, name: string): Promise<void> {
    const result = await this.options.templates.delete(location, name, name === DEFAULT_TEMPLATE);
    if (result.outcome === 'absent') throw notFound(location, name);
    if (result.outcome === 'in-use') {
      const shown = result.agents.join(', ');
      const more =
        result.count > result.agents.length
          ? ` and ${result.count - result.agents.length} more`
          : '';
      throw new AppError(
        'TEMPLATE_IN_USE',
        409,
        `template "${name}" is named by ${result.count} agent(s) (${shown}${more}); point them at another template or delete them first`,
        { details: { agents: result.agents, count: result.count }, retryable: false },
      );
    }
    this.options.logger.info({ ...location, template: name }, 'template deleted');
  }
}
