import type { Logger } from '@komputer/service-kit';
import type { V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { RuntimeHeldError } from '../runtime-driver';
import type { AgentRef } from '../runtime-driver';
import type { KubeApi } from './kube-api';
import { isKubeStatus } from './kube-api';
import { agentLabels, agentObjectName } from './pod-spec';

/** Another scheduler holds the agent's lease, and renews it: it drives the agent's pod. */
export class LeaseHeldError extends RuntimeHeldError {
  constructor(
    readonly agent: AgentRef,
    readonly holder: string,
  ) {
    super(
      `the pod of agent ${agent.namespace}/${agent.name} is driven by another scheduler (${holder})`,
    );
  }
}

/** A time that the API server handed back: a `Date`, or the string a lease's MicroTime is. */
function timeOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/**
 * Who holds `lease` at `now`: its holder, while its last renewal is younger than its duration;
 * undefined when it is free (no holder, or a holder that stopped renewing it).
 */
export function liveHolder(lease: V1Lease | undefined, now: number): string | undefined {
  const spec = lease?.spec;
  const holder = spec?.holderIdentity;
  if (!holder) return undefined;
  const renewed = timeOf(spec.renewTime ?? spec.acquireTime);
  const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
  return Number.isFinite(renewed) && renewed + durationMs > now ? holder : undefined;
}

/**
 * The agent's lease held by `holder`, renewed at `now`: a new one, or `previous` taken over
 * (its resourceVersion kept, so that a write races no other).
 */
export function agentLease(
  agent: AgentRef,
  options: {
    namespace: string;
    holder: string;
    durationS: number;
    now: V1MicroTime;
    previous?: V1Lease;
  },
): V1Lease {
  const { previous } = options;
  const keeps = previous?.spec?.holderIdentity === options.holder;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...(previous?.metadata ?? {}),
      name: agentObjectName(agent),
      namespace: options.namespace,
      labels: agentLabels(agent, 'lease'),
    },
    spec: {
      holderIdentity: options.holder,
      leaseDurationSeconds: options.durationS,
      acquireTime: keeps && previous?.spec?.acquireTime ? previous.spec.acquireTime : options.now,
      renewTime: options.now,
      leaseTransitions: (previous?.spec?.leaseTransitions ?? 0) + (previous && !keeps ? 1 : 0),
    },
  };
}

/** Options for {@link AgentLeases}. */
export interface AgentLeasesOptions {
  api: KubeApi;
  /** Who this scheduler is, in the leases it holds. */
  identity: string;
  durationS: number;
  /** Called when a lease this scheduler held was taken or deleted by another, or lapsed. */
  onLost: (agent: AgentRef, why: string) => void;
  logger: Logger;
}

const keyOf = (agent: AgentRef) => `${agent.namespace}/${agent.name}`;

/**
 * The leases of the agents whose pods this scheduler drives: one `Lease` per agent, named like
 * its pod, renewed every third of its duration. Another scheduler takes an agent's pod over only
 * once the lease is released or has lapsed, so two schedulers never drive one pod.
 */
export class AgentLeases {
  private readonly held = new Map<string, { agent: AgentRef; lease: V1Lease; renewed: number }>();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  constructor(private readonly options: AgentLeasesOptions) {}

  /** Renews the held leases until {@link stop}. */
  start(): void {
    if (this.timer) return;
    const everyMs = Math.max(500, (this.options.durationS * 1000) / 3);
    this.timer = setInterval(() => {
      this.renewing ??= this.renewAll().finally(() => (this.renewing = undefined));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  holds(agent: AgentRef): boolean {
    return this.held.has(keyOf(agent));
  }

  /**
   * Takes the agent's lease, or renews it if it is this scheduler's already; throws
   * {@link LeaseHeldError} while another scheduler holds it.
   */
  async acquire(agent: AgentRef): Promise<void> {
    const { api, identity, durationS } = this.options;
    const name = agentObjectName(agent);
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      const previous = await api.readLease(name);
      const holder = liveHolder(previous, now);
      if (holder && holder !== identity) throw new LeaseHeldError(agent, holder);
      const body = agentLease(agent, {
        namespace: api.namespace,
        holder: identity,
        durationS,
        now: api.microTime(new Date(now)),
        ...(previous ? { previous } : {}),
      });
      try {
        const lease = previous ? await api.replaceLease(body) : await api.createLease(body);
        this.held.set(keyOf(agent), { agent, lease, renewed: now });
        return;
      } catch (err) {
        // Another scheduler wrote it first: read it again, and see who holds it now.
        if (!isKubeStatus(err, 409) || attempt >= 5) throw err;
      }
    }
  }

  /** Gives the agent's lease up, if this scheduler holds it, so that another may take it at once. */
  async release(agent: AgentRef): Promise<void> {
    const entry = this.held.get(keyOf(agent));
    if (!entry) return;
    this.held.delete(keyOf(agent));
    const { name, resourceVersion } = entry.lease.metadata ?? {};
    await this.options.api.deleteLease(name ?? '', resourceVersion).catch((err: unknown) => {
      this.options.logger.warn({ err, agent: keyOf(agent) }, 'could not release a lease');
    });
  }

  /** Forgets the agent's lease without writing it (it was deleted with the agent's objects). */
  forget(agent: AgentRef): void {
    this.held.delete(keyOf(agent));
  }

  /** Releases every held lease. */
  async releaseAll(): Promise<void> {
    this.stop();
    await this.renewing;
    await Promise.all([...this.held.values()].map(({ agent }) => this.release(agent)));
  }

  private async renewAll(): Promise<void> {
    const { api, identity, durationS, logger } = this.options;
    for (const [key, entry] of [...this.held]) {
      const now = Date.now();
      try {
        const lease = await api.replaceLease(
          agentLease(entry.agent, {
            namespace: api.namespace,
            holder: identity,
            durationS,
            now: api.microTime(new Date(now)),
            previous: entry.lease,
          }),
        );
        if (this.held.get(key) === entry) this.held.set(key, { ...entry, lease, renewed: now });
      } catch (err) {
        if (this.held.get(key) !== entry) continue;
        if (isKubeStatus(err, 409) || isKubeStatus(err, 404)) {
          this.lose(key, entry.agent, 'another scheduler took the agent’s lease over');
        } else if (now - entry.renewed >= durationS * 1000) {
          // Unrenewed past its duration, another scheduler may have taken the pod over by now.
          this.lose(key, entry.agent, 'the agent’s lease lapsed: it could not be renewed');
        } else {
          logger.warn({ err, agent: key }, 'could not renew a lease; trying again');
        }
      }
    }
  }

  private lose(key: string, agent: AgentRef, why: string): void {
    this.held.delete(key);
    this.options.logger.warn({ agent: key, why }, 'lost the lease of an agent’s pod');
    this.options.onLost(agent, why);
  }
}
