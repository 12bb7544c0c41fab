import { TERMINAL_EVENT_TYPES } from '@komputer/contracts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SchedulerStatus } from '@komputer/contracts';
import type { Logger } from '@komputer/service-kit';
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type {
  AgentPodSettingsOverrides,
  AgentRef,
  DriverStartOptions,
  RuntimeCounts,
  RuntimeDriver,
  RuntimeHandle,
} from '../runtime-driver';
import type { KubernetesDriverConfig } from './config';
import { isKubeStatus, KubeApi, kubeError } from './kube-api';
import { containerRunning, KubeRuntime, stoppedBecause } from './kube-runtime';
import { AgentLeases, LeaseHeldError } from './leases';
import { ownWorkspace, WarmPools } from './warm-pool';
import {
  agentObjectName,
  agentOfLabels,
  agentPod,
  agentSelector,
  claimNameOf,
  MANAGED_SELECTOR,
  podSettings,
  RUNTIME_CONTAINER,
  TERMINATION_GRACE_SECONDS,
  workspaceClaim,
  workspaceClaimName,
  workspaceOfPod,
} from './pod-spec';
import type { AgentPodSettings } from './pod-spec';
import { AgentOperations } from '../agent-operations';

/** Options for {@link KubernetesRuntimeDriver}. */
export interface KubernetesDriverOptions {
  config: KubernetesDriverConfig;
  /** The log level handed to every runtime. */
  logLevel: string;
  logger: Logger;
}

/** How long a task left running in a pod that nobody supervised has to end once cancelled. */
const LEFTOVER_TASK_TIMEOUT_MS = 10_000;
/** How often a wait for a claim to go looks again. */
const POLL_MS = 100;
/** How often a start waits for the lease that another scheduler holds. */
const LEASE_POLL_MS = 500;

const keyOf = (agent: AgentRef) => `${agent.namespace}/${agent.name}`;

/** Whether `a` and `b` may be the same agent: the same uid, or one of them without one. */
const sameAgent = (a: AgentRef, b: AgentRef) => !a.uid || !b.uid || a.uid === b.uid;

/** Whether a runtime started for `a` runs where `b` asks: the same agent, on the same workspace. */
const samePlace = (a: AgentRef, b: AgentRef) => sameAgent(a, b) && a.home === b.home;

/** Why a pod is not running yet, for the error of a start that timed out. */
function waitingReason(pod: V1Pod | undefined): string {
  if (!pod) return 'the pod does not exist';
  const status = pod.status?.containerStatuses?.find((c) => c.name === RUNTIME_CONTAINER);
  const waiting = status?.state?.waiting;
  if (waiting?.reason) return `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
  const unscheduled = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  );
  if (unscheduled) return `${unscheduled.reason ?? 'Unschedulable'}: ${unscheduled.message ?? ''}`;
  return `phase ${pod.status?.phase ?? 'Pending'}`;
}

/** Resolves once `check` is true, looking every {@link POLL_MS}; rejects with `what` at `deadline`. */
async function pollUntil(check: () => Promise<boolean>, deadline: number, what: string) {
  while (!(await check())) {
    if (Date.now() >= deadline) throw new Error(`${what} in time`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Runs each agent's runtime in a pod of its own, in one namespace, with a claim for its
 * workspace that outlives the pod. The scheduler attaches to the runtime's stdio through the
 * API server and speaks the runtime protocol over it: the pod needs no route to the scheduler,
 * and it outlives the scheduler, whose successor attaches to it again. Pods and claims are found
 * by their labels.
 */
export class KubernetesRuntimeDriver implements RuntimeDriver {
  /** In a pod, the pod is the sandbox: hardened, and behind the namespace's network policy. */
  readonly sandbox: SchedulerStatus = { sandbox: 'on' };
  private api: KubeApi | undefined;
  private settings: AgentPodSettings | undefined;
  private leases: AgentLeases | undefined;
  /** The warm pools, kept when the scheduler hands over its templates' pools. */
  private pools: WarmPools | undefined;
  /** Who this driver is in the leases it holds: its host, and an id of its own. */
  readonly identity = `${hostname()}_${randomUUID().slice(0, 8)}`;
  private readonly runtimes = new Map<string, KubeRuntime>();
  /** Starts, stops and removals under way: a new pod waits until the old objects are gone. */
  private readonly operations = new AgentOperations<KubeRuntime | undefined>();
  private closed = false;
  private askRelease: DriverStartOptions['askRelease'];

  constructor(private readonly options: KubernetesDriverOptions) {}

  private get config(): KubernetesDriverConfig {
    return this.options.config;
  }

  /**
   * Connects to the API server and checks that the driver may list pods in its namespace. The
   * model proxy's address that pods get is `KOMPUTER_MODEL_PROXY_URL`, or else `modelUrl`, the
   * address the scheduler's own proxy listens on. With `warmPools`, it keeps the templates'
   * warm pools filled (see {@link WarmPools}).
   */
  async start(
    options: Pick<DriverStartOptions, 'warmPools' | 'askRelease'> & { modelUrl?: string } = {},
  ): Promise<void> {
    const { config, logger } = this.options;
    this.askRelease = options.askRelease;
    this.api ??= await KubeApi.connect({
      ...(config.KOMPUTER_KUBECONFIG ? { kubeconfig: config.KOMPUTER_KUBECONFIG } : {}),
      namespace: config.KOMPUTER_KUBE_NAMESPACE,
    });
    if (!config.KOMPUTER_MODEL_PROXY_URL && !options.modelUrl) {
      logger.warn(
        'KOMPUTER_MODEL_PROXY_URL is unset: agents’ pods call the model at the SDK’s default address',
      );
    }
    this.settings = podSettings(config, {
      logLevel: this.options.logLevel,
      ...(options.modelUrl ? { modelUrl: options.modelUrl } : {}),
    });
    try {
      await this.api.listPods(MANAGED_SELECTOR);
    } catch (err) {
      const { code, message } = kubeError(err);
      throw new Error(
        `the kubernetes driver cannot list pods in namespace ${config.KOMPUTER_KUBE_NAMESPACE}` +
          `${code ? ` (${code})` : ''}: ${message}`,
      );
    }
    this.leases ??= new AgentLeases({
      api: this.api,
      identity: this.identity,
      durationS: config.KOMPUTER_KUBE_LEASE_DURATION_S,
      onLost: (agent, why) => this.lost(agent, why),
      logger,
    });
    this.leases.start();
    if (options.warmPools && !this.pools) {
      this.pools = new WarmPools({
        api: this.api,
        settings: this.settings,
        targets: options.warmPools,
        syncMs: config.KOMPUTER_KUBE_POOL_SYNC_MS,
        startTimeoutMs: config.KOMPUTER_KUBE_START_TIMEOUT_MS,
        logger: logger.child({ component: 'warm-pools' }),
      });
      this.pools.start();
    }
    logger.info(
      {
        namespace: config.KOMPUTER_KUBE_NAMESPACE,
        image: config.KOMPUTER_KUBE_RUNTIME_IMAGE,
        identity: this.identity,
      },
      'kubernetes driver ready',
    );
  }

  private get connected(): { api: KubeApi; settings: AgentPodSettings; leases: AgentLeases } {
    if (!this.api || !this.settings || !this.leases) {
      throw new Error('the kubernetes driver has not started');
    }
    return { api: this.api, settings: this.settings, leases: this.leases };
  }

  /** Another scheduler took the agent's pod over: this one lets go of it, cancelling nothing. */
  private lost(agent: AgentRef, why: string): void {
    const key = keyOf(agent);
    const runtime = this.runtimes.get(key);
    if (!runtime || !sameAgent(runtime.agent, agent)) return;
    this.runtimes.delete(key);
    runtime.detach(why, { cancel: false });
  }

  async ensure(agent: AgentRef, pod: AgentPodSettingsOverrides = {}): Promise<RuntimeHandle> {
    if (this.closed) throw new Error('the runtime driver is closed');
    const key = keyOf(agent);
    // Objects being removed, and a pod that is stopping, must be gone before another starts.
    await this.operations.settled(key);
    const running = this.runtimes.get(key);
    if (running && samePlace(running.agent, agent)) return running;
    // A pod on another workspace (the agent joined or left a squad) stops; the claims stay.
    if (running && sameAgent(running.agent, agent)) await this.stop(running.agent);
    else if (running) await this.remove(running.agent);
    const runtime = await this.launchOnce(key, agent, { adopt: false, pod });
    // An adoption under way found no pod to attach to: this start makes one.
    if (!runtime) return this.ensure(agent, pod);
    if (samePlace(runtime.agent, agent)) return runtime;
    if (sameAgent(runtime.agent, agent)) await this.stop(runtime.agent);
    else await this.remove(runtime.agent);
    return this.ensure(agent, pod);
  }

  /**
   * The agent's runtime that outlived the scheduler that supervised it: its pod still runs, and
   * this scheduler attaches to it (a runtime attached here already is returned as it is). It
   * makes no pod, and cancels nothing that the pod runs: the caller resumes the task it runs.
   * Undefined when the agent has no running pod; {@link LeaseHeldError} while another
   * scheduler drives the pod.
   */
  async adopt(agent: AgentRef): Promise<RuntimeHandle | undefined> {
    if (this.closed) throw new Error('the runtime driver is closed');
    const key = keyOf(agent);
    await this.operations.settled(key);
    const running = this.runtimes.get(key);
    if (running) return sameAgent(running.agent, agent) ? running : undefined;
    const runtime = await this.launchOnce(key, agent, { adopt: true });
    return runtime && sameAgent(runtime.agent, agent) ? runtime : undefined;
  }

  /** The launch under way for the agent's name, or a new one: one at a time per agent. */
  private launchOnce(
    key: string,
    agent: AgentRef,
    options: { adopt: boolean; pod?: AgentPodSettingsOverrides },
  ): Promise<KubeRuntime | undefined> {
    return this.operations.startOnce(key, () => this.launch(agent, options));
  }

  ready(agent: AgentRef): RuntimeHandle | undefined {
    const key = keyOf(agent);
    const running = this.runtimes.get(key);
    return running?.isReady &&
      samePlace(running.agent, agent) &&
      !this.operations.busy(key) &&
      !this.closed
      ? running
      : undefined;
  }

  async stop(agent: AgentRef): Promise<void> {
    await this.stopUnlessBusy(agent, () => false);
  }

  async stopUnlessBusy(agent: AgentRef, busy: () => boolean): Promise<boolean> {
    const key = keyOf(agent);
    await this.operations.started(key);
    const { leases } = this.connected;
    const runtime = this.runtimes.get(key);
    if (!runtime) {
      const before = this.operations.stopOf(key);
      if (before) return before.then(() => true);
      if (busy()) return false;
      // A pod that runs without this scheduler attached (it started before a restart) stops
      // too, unless another scheduler drives it.
      await this.operations.trackStop(
        key,
        (async () => {
          try {
            await leases.acquire(agent);
          } catch (err) {
            if (err instanceof LeaseHeldError) return;
            throw err;
          }
          await this.deleteAgentPods(agent, Date.now() + this.stopTimeoutMs());
          await leases.release(agent);
        })(),
      );
      return true;
    }
    if (busy()) return false;
    // From now on, ensure() waits for this stop and then starts a new pod.
    this.runtimes.delete(key);
    await this.operations.trackStop(
      key,
      runtime.stop().then(() => leases.release(runtime.agent)),
    );
    return true;
  }

  async release(agent: AgentRef, holder: string, busy: () => boolean): Promise<boolean> {
    if (holder !== this.identity) return false;
    const key = keyOf(agent);
    await this.operations.settled(key);
    const runtime = this.runtimes.get(key);
    if (!runtime || !sameAgent(runtime.agent, agent) || this.operations.busy(key) || busy())
      return false;
    // Nothing runs on it: the pod goes on, for the scheduler that asked, which attaches to it.
    this.runtimes.delete(key);
    runtime.detach('another scheduler takes the agent’s pod over', { cancel: false });
    await this.connected.leases.release(agent);
    this.options.logger.info({ agent: key }, 'let another scheduler take over an idle pod');
    return true;
  }

  remove(agent: AgentRef): Promise<void> {
    const key = keyOf(agent);
    return this.operations.trackRemove(key, async () => {
      const running = this.runtimes.get(key);
      if (running && !sameAgent(running.agent, agent)) return;
      await this.stop(agent);
      await this.removeObjects(agent, Date.now() + this.stopTimeoutMs());
    });
  }

  async known(): Promise<AgentRef[]> {
    const { api } = this.connected;
    const [pods, claims] = await Promise.all([
      api.listPods(MANAGED_SELECTOR),
      api.listClaims(MANAGED_SELECTOR),
    ]);
    const found = new Map<string, AgentRef>();
    for (const object of [...pods, ...claims]) {
      const agent = agentOfLabels(object.metadata?.labels);
      if (agent && !found.get(keyOf(agent))?.uid) found.set(keyOf(agent), agent);
    }
    for (const runtime of this.runtimes.values()) found.set(keyOf(runtime.agent), runtime.agent);
    return [...found.values()];
  }

  counts(): RuntimeCounts {
    return { ...this.operations.counts(), running: this.runtimes.size };
  }

  /**
   * Detaches from every pod and leaves them running: pods outlive the scheduler, and the next
   * one attaches to them again, at once, since the leases are released. A task that runs is
   * cancelled first, since nobody will store its events; each ends with an error. Idempotent.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.pools?.close();
    await this.operations.allStarted();
    for (const runtime of this.runtimes.values()) {
      runtime.detach('the scheduler stopped supervising the agent’s pod');
    }
    this.runtimes.clear();
    await Promise.all(this.operations.stopsAndRemovals());
    await this.leases?.releaseAll();
  }

  private stopTimeoutMs(): number {
    return (TERMINATION_GRACE_SECONDS + 20) * 1000;
  }

  /**
   * Takes the agent's lease, then starts or attaches to its pod (see {@link startOrAttach}) and
   * registers its runtime. While another scheduler holds the lease, a start waits for it until
   * its deadline; an adoption does not wait. A start that fails lets the lease go.
   */
  private async launch(
    agent: AgentRef,
    options: { adopt: boolean; pod?: AgentPodSettingsOverrides },
  ): Promise<KubeRuntime | undefined> {
    const { leases } = this.connected;
    const deadline = Date.now() + this.config.KOMPUTER_KUBE_START_TIMEOUT_MS;
    const log = this.options.logger.child({ agent: keyOf(agent) });
    for (let asked = false; ; asked = true) {
      try {
        await leases.acquire(agent);
        break;
      } catch (err) {
        if (!(err instanceof LeaseHeldError) || options.adopt) throw err;
        // The holder lets go of a pod that runs no task; one that does keeps it to the end.
        if (!asked) this.askRelease?.(agent, err.holder);
        if (Date.now() + LEASE_POLL_MS >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
      }
    }
    let runtime: KubeRuntime | undefined;
    try {
      runtime = await this.startOrAttach(agent, { ...options, deadline, log });
    } catch (err) {
      await leases.release(agent);
      throw err;
    }
    if (!runtime) {
      await leases.release(agent);
      return undefined;
    }
    const key = keyOf(agent);
    const started = runtime;
    this.runtimes.set(key, started);
    void started.exited.then((reason) => {
      if (this.runtimes.get(key) === started) this.runtimes.delete(key);
      log.info({ reason }, 'agent runtime stopped');
    });
    log.info('agent runtime ready');
    return started;
  }

  /**
   * Starts, or attaches to, the agent's pod, found by its labels: one that runs already (a
   * scheduler before this one started it, or it is a warm pod the agent claimed) is attached
   * to; a pod that stopped, or one left by a deleted agent of the same name, is deleted first. A
   * new agent (it has no workspace yet) whose template keeps a warm pool claims a ready pod of
   * it; otherwise, or when none is left, its workspace claim is made if it has none, then its
   * pod. An adoption only attaches: without a running pod of the agent's it answers undefined.
   */
  private async startOrAttach(
    agent: AgentRef,
    options: { adopt: boolean; pod?: AgentPodSettingsOverrides; deadline: number; log: Logger },
  ): Promise<KubeRuntime | undefined> {
    const { api, settings } = this.connected;
    const { adopt, pod: own = {}, deadline, log } = options;
    const timeoutMs = this.config.KOMPUTER_KUBE_START_TIMEOUT_MS;
    let pod: V1Pod | undefined;
    for (let attempt = 1; !pod; attempt++) {
      if (Date.now() >= deadline) throw new Error(`the agent’s pod did not start in time`);
      const [found] = await api.listPods(agentSelector(agent));
      if (found) {
        const owner = agentOfLabels(found.metadata?.labels) ?? {
          namespace: agent.namespace,
          name: agent.name,
        };
        const running = sameAgent(owner, agent) && !stoppedBecause(found);
        if (adopt && !running) return undefined;
        if (!sameAgent(owner, agent)) {
          // A deleted agent's pod and workspace never serve a new agent of the same name.
          log.info({ uid: owner.uid }, 'removing what a deleted agent of the same name left');
          await this.removeObjects(owner, deadline);
        } else if (!running) {
          await this.deletePodAndWait(found.metadata?.name ?? '', found.metadata?.uid, deadline);
        } else if (!adopt && workspaceOfPod(found) !== agent.home) {
          // It mounts another workspace than the task's (the agent joined or left a squad): a
          // pod's volumes are fixed, so a new pod mounts the right one. The claims stay.
          log.info({ pod: found.metadata?.name, home: agent.home }, 'moving the agent’s pod');
          await this.deletePodAndWait(found.metadata?.name ?? '', found.metadata?.uid, deadline);
        } else {
          pod = found;
          log.info({ pod: found.metadata?.name }, 'attaching to the agent’s running pod');
          // A warm pod claimed by a scheduler that stopped before its workspace followed.
          if (
            workspaceOfPod(found) === undefined &&
            claimNameOf(found) !== workspaceClaimName(agent)
          ) {
            await ownWorkspace(api, found, agent, log);
          }
        }
        continue;
      }
      if (adopt) return undefined;
      if (agent.home !== undefined) {
        // A squad member mounts its home's claim, made as the home's own if it has none yet.
        const home = { namespace: agent.namespace, name: agent.home };
        try {
          const claimName =
            (await this.agentClaim(home, deadline)) ?? (await this.makeClaim(home, own));
          pod = await api.createPod(agentPod(agent, settings, own, claimName));
        } catch (err) {
          if (!isKubeStatus(err, 409) || attempt >= 5) throw err;
        }
        continue;
      }
      const workspace = await this.agentClaim(agent, deadline);
      if (!workspace && own.warmPool && this.pools) {
        pod = await this.pools.claim(agent, own.warmPool, own);
        if (pod) continue;
      }
      try {
        const claimName = workspace ?? (await this.makeClaim(agent, own));
        pod = await api.createPod(agentPod(agent, settings, own, claimName));
      } catch (err) {
        // A claim or an old pod of the name is still going: look again.
        if (!isKubeStatus(err, 409) || attempt >= 5) throw err;
      }
    }
    const name = pod.metadata?.name ?? '';
    const uid = pod.metadata?.uid ?? '';
    if (!containerRunning(pod)) {
      try {
        await api.waitForPod(
          name,
          (current) => {
            if (!current || current.metadata?.uid !== uid) {
              throw new Error('the agent’s pod was deleted while it started');
            }
            const stopped = stoppedBecause(current);
            if (stopped) throw new Error(stopped);
            return containerRunning(current) ? current : undefined;
          },
          {
            timeoutMs: Math.max(0, deadline - Date.now()),
            describe: (current) =>
              `the agent’s pod was not running within ${timeoutMs} ms (${waitingReason(current)})`,
          },
        );
      } catch (err) {
        // A pod that cannot start (an image that cannot be pulled, say) goes; the next task tries anew.
        api
          .deletePod(name, { uid, gracePeriodSeconds: 0 })
          .catch((e: unknown) => log.warn({ err: e }, 'could not delete a pod that did not start'));
        throw err;
      }
    }
    const runtime = new KubeRuntime({
      api,
      agent,
      pod: { name, uid },
      heartbeatTimeoutMs: this.config.KOMPUTER_KUBE_HEARTBEAT_TIMEOUT_MS,
      stopTimeoutMs: this.stopTimeoutMs(),
      logger: this.options.logger,
    });
    try {
      const ready = await runtime.start(Math.max(100, deadline - Date.now()));
      // A task that nobody will resume: an adoption resumes it, a start ends it.
      if (ready.taskId && !adopt) await this.endLeftoverTask(runtime, ready.taskId, log);
    } catch (err) {
      runtime.kill(err instanceof Error ? err.message : String(err));
      throw err;
    }
    return runtime;
  }

  /**
   * A pod attached to afresh that still runs a task: nobody supervises that task any more (it
   * ended, as far as Redis says, when its scheduler stopped), so it is cancelled, and its events
   * acknowledged, before the pod takes another.
   */
  private async endLeftoverTask(runtime: KubeRuntime, taskId: string, log: Logger): Promise<void> {
    log.warn({ taskId }, 'cancelling a task the agent’s pod ran unsupervised');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, LEFTOVER_TASK_TIMEOUT_MS);
      const stop = runtime.onMessage((message) => {
        if (message.type !== 'event' || message.event.taskId !== taskId) return;
        runtime.send({ type: 'ack', taskId, seq: message.seq });
        if (TERMINAL_EVENT_TYPES.includes(message.event.type)) finish();
      });
      function finish() {
        clearTimeout(timer);
        stop();
        resolve();
      }
      runtime.send({ type: 'cancel', taskId, reason: 'the task has ended' });
    });
  }

  /**
   * The name of the agent's workspace claim, found by its labels (a warm pod's claim keeps the
   * name it was made with); undefined when it has none. Claims of a deleted agent of the same
   * name, and one of the agent's that is being deleted, are waited out first.
   */
  private async agentClaim(agent: AgentRef, deadline: number): Promise<string | undefined> {
    const { api } = this.connected;
    const selector = agentSelector(agent);
    const isMine = (claim: V1PersistentVolumeClaim) => {
      const owner = agentOfLabels(claim.metadata?.labels);
      return !claim.metadata?.deletionTimestamp && owner !== undefined && sameAgent(owner, agent);
    };
    const claims = await api.listClaims(selector);
    const mine = claims.find(isMine);
    if (mine) return mine.metadata?.name;
    if (claims.length === 0) return undefined;
    for (const claim of claims) {
      if (!claim.metadata?.deletionTimestamp) await api.deleteClaim(claim.metadata?.name ?? '');
    }
    const going = new Set(claims.map((claim) => claim.metadata?.uid));
    await pollUntil(
      async () => (await api.listClaims(selector)).every((c) => !going.has(c.metadata?.uid)),
      deadline,
      `the workspace claim of a deleted agent of the name did not go`,
    );
    return undefined;
  }

  /** Makes the agent's workspace claim, and answers its name. */
  private async makeClaim(agent: AgentRef, own: AgentPodSettingsOverrides): Promise<string> {
    const { api, settings } = this.connected;
    const claim = await api.createClaim(workspaceClaim(agent, settings, own));
    return claim.metadata?.name ?? workspaceClaimName(agent);
  }

  /** Deletes a pod (the one of `uid`, if given) and waits until it has gone. */
  private async deletePodAndWait(name: string, uid: string | undefined, deadline: number) {
    const { api } = this.connected;
    await api.deletePod(name, uid ? { uid } : {});
    await api.waitForPod(
      name,
      (pod) => (!pod || (uid && pod.metadata?.uid !== uid) ? true : undefined),
      {
        timeoutMs: Math.max(0, deadline - Date.now()),
        describe: () => `the agent’s old pod ${name} did not go in time`,
      },
    );
  }

  /** Deletes the agent's pods (those of its uid, when it has one) and waits until they have gone. */
  private async deleteAgentPods(agent: AgentRef, deadline: number): Promise<void> {
    const { api } = this.connected;
    const pods = (await api.listPods(agentSelector(agent))).filter((pod) => {
      const owner = agentOfLabels(pod.metadata?.labels);
      return owner !== undefined && sameAgent(owner, agent);
    });
    await Promise.all(
      pods.map((pod) =>
        this.deletePodAndWait(pod.metadata?.name ?? '', pod.metadata?.uid, deadline),
      ),
    );
  }

  /**
   * Deletes everything labelled for the agent (its pods, its workspace claim, its leases), of
   * its uid when it has one: a newer agent of the same name keeps its own.
   */
  private async removeObjects(agent: AgentRef, deadline: number): Promise<void> {
    const { api } = this.connected;
    const selector = agentSelector(agent);
    const mine = (labels: Record<string, string> | undefined) => {
      const owner = agentOfLabels(labels);
      return owner !== undefined && sameAgent(owner, agent);
    };
    await this.deleteAgentPods(agent, deadline);
    const claims = (await api.listClaims(selector)).filter((c) => mine(c.metadata?.labels));
    const leases = (await api.listLeases(selector)).filter((l) => mine(l.metadata?.labels));
    await Promise.all([
      ...claims.map((claim) => api.deleteClaim(claim.metadata?.name ?? '')),
      ...leases.map((lease) => api.deleteLease(lease.metadata?.name ?? '')),
    ]);
    if (leases.some((lease) => lease.metadata?.name === agentObjectName(agent))) {
      this.leases?.forget(agent);
    }
    // A claim goes once no pod uses it: wait, so that a new claim of the name can be made.
    for (const claim of claims) {
      const name = claim.metadata?.name ?? '';
      await pollUntil(
        async () => (await api.readClaim(name))?.metadata?.uid !== claim.metadata?.uid,
        deadline,
        `the workspace claim ${name} did not go`,
      );
    }
  }
}

/** The kubernetes driver, from its configuration. */
export function createKubernetesDriver(
  config: KubernetesDriverConfig,
  options: { logger: Logger; logLevel: string },
): KubernetesRuntimeDriver {
  return new KubernetesRuntimeDriver({ config, ...options });
}
