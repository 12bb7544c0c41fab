import type { Logger } from '@komputer/service-kit';
import type { V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import type {
  AgentPodSettingsOverrides,
  AgentRef,
  WarmPoolRef,
  WarmPoolTarget,
} from '../runtime-driver';
import { isKubeStatus, kubeError } from './kube-api';
import type { KubeApi } from './kube-api';
import { containerRunning, probeRuntime, stoppedBecause } from './kube-runtime';
import {
  agentOfLabels,
  claimedLabels,
  claimNameOf,
  LABELS,
  MANAGED_SELECTOR,
  poolClaim,
  poolClaimName,
  poolOfLabels,
  poolPod,
  poolPodName,
  poolSelector,
  poolSpecHash,
} from './pod-spec';
import type { AgentPodSettings } from './pod-spec';

/** Options for {@link WarmPools}. */
export interface WarmPoolsOptions {
  api: KubeApi;
  settings: AgentPodSettings;
  /** The templates that keep a pool, as they are now. */
  targets: () => Promise<WarmPoolTarget[]>;
  /** How often the pools are checked against their templates, besides after each claim. */
  syncMs: number;
  /** How long a new pool pod may take to run and answer; one that takes longer is replaced. */
  startTimeoutMs: number;
  logger: Logger;
}

/** The longest that one check of a pool pod's runtime waits for its answer. */
const PROBE_TIMEOUT_MS = 10_000;

/** A pool's key: its template and the hash of what its pods are built from. */
const poolKey = (pool: WarmPoolRef, specHash: string) =>
  `${pool.scope}/${pool.namespace ?? ''}/${pool.template}/${specHash}`;

/** The slot number at the end of a pool pod's name. */
const slotOf = (name: string) => Number(name.slice(name.lastIndexOf('-') + 1));

const nameOf = (object: { metadata?: V1ObjectMeta }) => object.metadata?.name ?? '';

const ageMs = (object: { metadata?: V1ObjectMeta }) =>
  Date.now() - new Date(object.metadata?.creationTimestamp ?? Date.now()).getTime();

/**
 * Makes the workspace claim of the agent's pod the agent's, if it is still a pool's (a claim
 * relabels the pod first; a scheduler that stopped in between leaves the claim so). A failure
 * is logged: the next check of the pools, or the next attach to the pod, repairs it.
 */
export async function ownWorkspace(
  api: KubeApi,
  pod: V1Pod,
  agent: AgentRef,
  log: Logger,
): Promise<void> {
  const name = claimNameOf(pod);
  if (!name) return;
  try {
    await api.patchClaimLabels(name, claimedLabels(agent, 'workspace'));
  } catch (err) {
    log.warn({ err: kubeError(err), claim: name }, 'could not make a warm workspace the agent’s');
  }
}

/**
 * Keeps each template's warm pool filled: `warmPoolSize` pods per template, each running the
 * agent runtime with a workspace claim of its own, built by the same pure functions as an
 * agent's pod (hardened alike, from the template's pod settings), and labelled as the pool's,
 * of no agent. A pod is claimable once its runtime has answered (`komputer.ai/pool-ready`).
 *
 * Every scheduler keeps the pools, and they agree without talking: a pool's pods have fixed slot
 * names, so that two schedulers that fill one pool at once make each pod once (the second
 * create is a 409), and a surplus is trimmed from the highest slots. A new agent claims a pod by
 * relabelling it with the `resourceVersion` it read: of two schedulers that claim the same pod,
 * one wins and the other gets 409 and tries the next. Pools outlive schedulers: a scheduler that
 * starts counts the pods it finds (and checks those not yet ready), so nothing is leaked.
 */
export class WarmPools {
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** The pods being readied here (started, waited for, checked), by name. */
  private readonly preparing = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly options: WarmPoolsOptions) {}

  /** Fills the pools now, then checks them every `syncMs`. */
  start(): void {
    this.sync();
    this.timer = setInterval(() => this.sync(), this.options.syncMs);
    this.timer.unref();
  }

  /**
   * Checks the pools soon, in the background: one check at a time, and one asked for while
   * another runs runs once after it.
   */
  sync(): void {
    if (this.closed) return;
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = (async () => {
      do {
        this.again = false;
        try {
          await this.reconcile();
        } catch (err) {
          this.options.logger.warn({ err: kubeError(err) }, 'could not check the warm pools');
        }
      } while (this.again && !this.closed);
    })().finally(() => {
      this.syncing = undefined;
    });
  }

  /** Resolves once no check runs and no pod is being readied here. */
  async idle(): Promise<void> {
    while (this.syncing || this.preparing.size > 0) {
      await Promise.all([this.syncing, ...this.preparing.values()]);
    }
  }

  /**
   * Claims a ready pod of `pool` for `agent` and makes it and its workspace claim the agent's;
   * undefined when no pod is left (the agent's pod is then made cold). The pool refills in the
   * background.
   */
  async claim(
    agent: AgentRef,
    pool: WarmPoolRef,
    own: AgentPodSettingsOverrides,
  ): Promise<V1Pod | undefined> {
    const { api, settings, logger } = this.options;
    const log = logger.child({ agent: `${agent.namespace}/${agent.name}` });
    try {
      const selector = `${poolSelector(pool, poolSpecHash(settings, own))},${LABELS.poolReady}=true`;
      const candidates = (await api.listPods(selector)).filter(
        (pod) => containerRunning(pod) && !stoppedBecause(pod),
      );
      for (const candidate of candidates) {
        let pod: V1Pod;
        try {
          pod = await api.patchPodLabels(
            nameOf(candidate),
            claimedLabels(agent, 'agent-runtime'),
            candidate.metadata?.resourceVersion,
          );
        } catch (err) {
          // Another scheduler claimed it (409), or it went (404): the next one.
          if (isKubeStatus(err, 409) || isKubeStatus(err, 404)) continue;
          throw err;
        }
        await ownWorkspace(api, pod, agent, log);
        log.info({ pod: nameOf(pod) }, 'claimed a warm pod');
        return pod;
      }
      log.info({ pool }, 'no warm pod left: making one');
      return undefined;
    } catch (err) {
      log.warn({ err: kubeError(err) }, 'could not claim a warm pod: making one');
      return undefined;
    } finally {
      this.sync();
    }
  }

  /**
   * Stops checking the pools and readying pods, and leaves every pool pod for the next
   * scheduler. Idempotent.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.abort.abort();
    await this.idle();
  }

  /**
   * One check: every pool's pods against its template. Pods of no pool (its template is gone,
   * or has no pool now), built from older settings, stopped, or stuck short of running are
   * deleted with their claims; a surplus is trimmed from the highest slots; missing pods are
   * made in free slots; pods that run and have not answered yet are checked. Claims of no pod
   * go, and a claim whose pod an agent claimed becomes the agent's.
   */
  private async reconcile(): Promise<void> {
    const { api, settings } = this.options;
    const targets = await this.options.targets();
    const wanted = new Map<string, WarmPoolTarget & { specHash: string }>();
    for (const target of targets) {
      const specHash = poolSpecHash(settings, target.pod);
      wanted.set(poolKey(target.pool, specHash), { ...target, specHash });
    }
    const [pods, claims] = await Promise.all([
      api.listPods(MANAGED_SELECTOR),
      api.listClaims(MANAGED_SELECTOR),
    ]);
    if (this.closed) return;
    const podsByName = new Map(pods.map((pod) => [nameOf(pod), pod]));
    const claimNames = new Set(claims.map(nameOf));
    const members = new Map<string, V1Pod[]>();
    for (const pod of pods) {
      const pool = poolOfLabels(pod.metadata?.labels);
      if (!pool || pod.metadata?.deletionTimestamp) continue;
      const key = poolKey(pool, pod.metadata?.labels?.[LABELS.poolSpec] ?? '');
      const ready = pod.metadata?.labels?.[LABELS.poolReady] === 'true';
      const stuck =
        !ready &&
        !this.preparing.has(nameOf(pod)) &&
        !containerRunning(pod) &&
        ageMs(pod) > this.options.startTimeoutMs;
      if (!wanted.has(key) || stoppedBecause(pod) || stuck) {
        await this.remove(pod, 'it is no longer wanted, stopped, or did not start');
        continue;
      }
      members.set(key, [...(members.get(key) ?? []), pod]);
    }
    for (const [key, target] of wanted) {
      const kept = (members.get(key) ?? []).sort((a, b) => slotOf(nameOf(a)) - slotOf(nameOf(b)));
      for (const pod of kept.splice(target.size)) {
        await this.remove(pod, 'the pool is larger than its template asks');
      }
      for (const pod of kept) {
        if (pod.metadata?.labels?.[LABELS.poolReady] !== 'true' && containerRunning(pod)) {
          this.prepare(nameOf(pod), target, false);
        }
      }
      for (let slot = 0, missing = target.size - kept.length; missing > 0; slot++) {
        const name = poolPodName(target.pool, target.specHash, slot);
        if (podsByName.has(name) || claimNames.has(poolClaimName(name))) continue;
        this.prepare(name, target, true);
        missing--;
      }
    }
    await this.sweepClaims(claims, podsByName);
  }

  /**
   * Claims labelled as a pool's: one whose pod an agent claimed becomes the agent's; one of no
   * pod, older than a pod's start, goes.
   */
  private async sweepClaims(
    claims: { metadata?: V1ObjectMeta }[],
    podsByName: Map<string, V1Pod>,
  ): Promise<void> {
    const { api, logger } = this.options;
    const mounted = new Map([...podsByName.values()].map((pod) => [claimNameOf(pod), pod]));
    for (const claim of claims) {
      if (!poolOfLabels(claim.metadata?.labels) || claim.metadata?.deletionTimestamp) continue;
      const name = nameOf(claim);
      const pod = mounted.get(name);
      const agent = pod && agentOfLabels(pod.metadata?.labels);
      if (pod && agent) await ownWorkspace(api, pod, agent, logger);
      else if (!pod && ageMs(claim) > this.options.startTimeoutMs) {
        // Only as it was read: a claim that became an agent's since stays.
        await api.deleteClaim(name, claim.metadata?.resourceVersion);
      }
    }
  }

  /**
   * Readies the pool pod `name` in the background, once at a time: makes it and its claim when
   * `create`, waits until it runs, checks that its runtime answers, and labels it ready. A pod
   * that fails any of these goes, and a later check makes another.
   */
  private prepare(name: string, target: WarmPoolTarget, create: boolean): void {
    if (this.preparing.has(name) || this.closed) return;
    const { api, settings, logger } = this.options;
    const log = logger.child({ pool: target.pool, pod: name });
    const timeoutMs = this.options.startTimeoutMs;
    const work = (async () => {
      if (create) {
        try {
          await api.createClaim(poolClaim(target.pool, name, settings, target.pod));
        } catch (err) {
          if (!isKubeStatus(err, 409)) throw err;
        }
        try {
          await api.createPod(poolPod(target.pool, name, settings, target.pod));
        } catch (err) {
          // Another scheduler made this slot's pod: it readies it.
          if (isKubeStatus(err, 409)) return;
          throw err;
        }
      }
      const running = await api.waitForPod(
        name,
        (pod) => {
          const stopped = stoppedBecause(pod);
          if (stopped) throw new Error(stopped);
          return pod && containerRunning(pod) ? pod : undefined;
        },
        {
          timeoutMs,
          describe: () => `the warm pod ${name} was not running within ${timeoutMs} ms`,
          signal: this.abort.signal,
        },
      );
      await probeRuntime(api, name, Math.min(timeoutMs, PROBE_TIMEOUT_MS), log);
      // Only the pod as it was read is labelled: one that changed since (claimed) is left be.
      await api
        .patchPodLabels(name, { [LABELS.poolReady]: 'true' }, running.metadata?.resourceVersion)
        .catch((err: unknown) => {
          if (!isKubeStatus(err, 409) && !isKubeStatus(err, 404)) throw err;
        });
      log.info('a warm pod is ready');
    })()
      .catch(async (err: unknown) => {
        if (this.closed) return;
        log.warn({ err: kubeError(err) }, 'a warm pod could not be readied; it goes');
        const pod = await api.readPod(name).catch(() => undefined);
        if (pod && poolOfLabels(pod.metadata?.labels)) await this.remove(pod, 'not ready');
      })
      .catch((err: unknown) => log.warn({ err: kubeError(err) }, 'could not remove a warm pod'))
      .finally(() => this.preparing.delete(name));
    this.preparing.set(name, work);
  }

  /**
   * Deletes a pool pod and its claim, only as they were read: a pod that an agent claimed since
   * (its labels changed) stays, and so does its workspace.
   */
  private async remove(pod: V1Pod, why: string): Promise<void> {
    const { api, logger } = this.options;
    const name = nameOf(pod);
    const { uid, resourceVersion } = pod.metadata ?? {};
    const deleted = await api.deletePod(name, {
      ...(uid ? { uid } : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
    });
    if (!deleted) return;
    logger.info({ pod: name, why }, 'removed a warm pod');
    const claimName = claimNameOf(pod);
    const claim = claimName ? await api.readClaim(claimName) : undefined;
    if (claimName && claim && poolOfLabels(claim.metadata?.labels)) {
      await api.deleteClaim(claimName, claim.metadata?.resourceVersion);
    }
  }
}
