import {
  AgentPodSpecSchema,
  contextWindowOf,
  DEFAULT_MODEL,
  taskApprovalPolicy,
} from '@komputer/contracts';
import type {
  AgentPodSpec,
  AgentSpec,
  ManagerScope,
  TaskApprovalPolicy,
  TaskLimits,
  TemplateSpec,
  Thinking,
} from '@komputer/contracts';
import type { TemplateRecord } from '@komputer/store';
import type { AgentPodSettingsOverrides, WarmPoolRef, WarmPoolTarget } from './runtime-driver';

/** How one task of an agent runs: its settings, its template's, and the scheduler's, resolved. */
export interface TaskSettings {
  model: string;
  /** The model's context window: the agent's own, or the model's from the table. */
  contextWindow: number;
  /** Extended thinking: the agent's, or else its template's. */
  thinking?: Thinking;
  limits: TaskLimits;
  allowedDomains?: string[];
  /** For the kubernetes driver's pod and claim; the local driver ignores them. */
  pod: AgentPodSettingsOverrides;
  /** Which agents a manager may act on with its platform tools (its template's setting). */
  managerScope: ManagerScope;
  /** The calls that wait for a person's decision: the agent's patterns and its template's. */
  approvals?: TaskApprovalPolicy;
  /** What the task's events must say was not applied. */
  warnings: string[];
}

type Container = NonNullable<AgentPodSpec['containers']>[number];

/** The runtime container's settings: the agent's fields over the template's, env by name. */
function mergeContainer(base: Container | undefined, own: Container | undefined): Container {
  const env = new Map([...(base?.env ?? []), ...(own?.env ?? [])].map((v) => [v.name, v]));
  const resources = {
    ...((base?.resources?.requests ?? own?.resources?.requests)
      ? { requests: { ...base?.resources?.requests, ...own?.resources?.requests } }
      : {}),
    ...((base?.resources?.limits ?? own?.resources?.limits)
      ? { limits: { ...base?.resources?.limits, ...own?.resources?.limits } }
      : {}),
  };
  return {
    ...base,
    ...own,
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    ...(env.size > 0 ? { env: [...env.values()] } : {}),
  };
}

/**
 * The agent's pod settings over its template's, as komputer.ai merges them: each pod field the
 * agent sets replaces the template's, and the runtime container's fields merge field by field.
 */
export function mergePodSpec(
  template: AgentPodSpec | undefined,
  own: AgentPodSpec | undefined,
): AgentPodSpec | undefined {
  if (!template || !own) return own ?? template;
  const container = mergeContainer(template.containers?.[0], own.containers?.[0]);
  return {
    ...template,
    ...own,
    ...(Object.keys(container).length > 0 ? { containers: [container] } : {}),
  };
}

/**
 * The settings of the agent's next task: each of its own fields wins over its template's,
 * which win over the scheduler's. A `podSpec` stored before pod settings were checked, and now
 * refused, is left out, with a warning.
 */
export function taskSettings(
  spec: AgentSpec,
  template: TemplateSpec | undefined,
  defaults: TaskLimits,
): TaskSettings {
  const warnings: string[] = [];
  let ownPodSpec: AgentPodSpec | undefined;
  if (spec.podSpec !== undefined) {
    const parsed = AgentPodSpecSchema.safeParse(spec.podSpec);
    if (parsed.success) ownPodSpec = parsed.data;
    else
      warnings.push(
        `the agent’s podSpec is not applied: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
  }
  const podSpec = mergePodSpec(template?.podSpec, ownPodSpec);
  const storage =
    template?.storage || spec.storage ? { ...template?.storage, ...spec.storage } : undefined;
  const limits = { ...template?.limits, ...spec.limits };
  const allowedDomains = spec.allowedDomains ?? template?.allowedDomains;
  const model = spec.model ?? template?.model ?? DEFAULT_MODEL;
  const thinking = spec.thinking ?? template?.thinking;
  const approvals = taskApprovalPolicy(spec.approvals, template?.approvals);
  return {
    model,
    contextWindow: spec.modelContextWindow ?? contextWindowOf(model),
    ...(thinking ? { thinking } : {}),
    limits: {
      maxTurns: limits.maxTurns ?? defaults.maxTurns,
      maxBudgetUsd: limits.maxBudgetUsd ?? defaults.maxBudgetUsd,
      timeoutMs: limits.timeoutMs ?? defaults.timeoutMs,
    },
    ...(allowedDomains ? { allowedDomains } : {}),
    pod: { ...(podSpec ? { podSpec } : {}), ...(storage ? { storage } : {}) },
    managerScope: template?.managerScope ?? 'created',
    ...(approvals ? { approvals } : {}),
    warnings,
  };
}

/** Where a template that keeps a warm pool is: its scope, namespace and name. */
function poolOf(template: TemplateRecord): WarmPoolRef {
  return {
    scope: template.scope,
    ...(template.scope === 'namespace' && template.namespace
      ? { namespace: template.namespace }
      : {}),
    template: template.name,
  };
}

/**
 * The warm pool that a new agent may take its pod from: its template's, when that keeps one and
 * the agent has no `podSpec` or `storage` of its own, since the pool's pods were built from the
 * template's settings alone.
 */
export function warmPoolOf(
  spec: AgentSpec,
  template: TemplateRecord | undefined,
): WarmPoolRef | undefined {
  if (!template || (template.spec.warmPoolSize ?? 0) === 0) return undefined;
  if (spec.podSpec !== undefined || spec.storage !== undefined) return undefined;
  return poolOf(template);
}

/** A template's warm pool as a driver keeps it: where, how many, and built from what. */
export function warmPoolTarget(template: TemplateRecord): WarmPoolTarget {
  const { podSpec, storage, warmPoolSize } = template.spec;
  return {
    pool: poolOf(template),
    size: warmPoolSize ?? 0,
    pod: { ...(podSpec ? { podSpec } : {}), ...(storage ? { storage } : {}) },
  };
}
