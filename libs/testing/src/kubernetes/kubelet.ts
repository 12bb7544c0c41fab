import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { LogBuffer } from './log-buffer';
import type { LogQuery } from './log-buffer';
import type { Registry } from './registry';
import { kubeTime } from './registry';
import type { KubeObject } from './resources';
import { metaOf, nameOf, namespaceOf, resourceOfKind, uidOf } from './resources';
import { badRequest, KubeApiError, notFound } from './status';
import type { StoreChange } from './store';

const byKind = (kind: string) => resourceOfKind(kind);
const PODS = byKind('Pod');
const SECRETS = byKind('Secret');
const CONFIG_MAPS = byKind('ConfigMap');
const CLAIMS = byKind('PersistentVolumeClaim');

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

/** What an image runs, since no image can be pulled: its ENTRYPOINT, CMD, ENV and WORKDIR. */
export interface ImageConfig {
  /** The entrypoint; a container's `command` replaces it (and drops `args`). */
  command?: string[];
  /** The default arguments; a container's `args` replace them. */
  args?: string[];
  /** Environment the image sets (e.g. PATH); a container's `env` overrides it. */
  env?: Record<string, string>;
  /** The directory to run in when the container sets no `workingDir`. */
  workingDir?: string;
}

/** Settings of the {@link Kubelet}. */
export interface KubeletOptions {
  nodeName: string;
  /** Where pods' own directories (emptyDir volumes, container homes) are made. */
  dataDir: string;
  images: Record<string, ImageConfig>;
  /** Refuse an unknown image even when the container names its command. */
  strictImages: boolean;
  /** Upper bound of a pod's termination grace period, so that tests need not wait 30 s. */
  maxGracePeriodMs: number;
  /** First delay before a container restarts; it doubles with each restart up to 32 times. */
  restartBackoffMs: number;
  /** How long an unknown image shows ErrImagePull before ImagePullBackOff. */
  imagePullBackoffMs: number;
  /** How much of a container's output its log keeps. */
  logLimitBytes: number;
  /** The API server's address, given to containers as KUBERNETES_SERVICE_HOST/PORT. */
  apiHost: string;
  apiPort: number;
  /** The host directory of a bound volume. */
  volumeDir(volumeName: string): string;
}

/** A container process's environment, resolved from its spec, as an exec also gets it. */
interface ContainerEnvironment {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Who receives an attach or exec session's output. */
export interface StreamSink {
  output(channel: 1 | 2, data: Buffer): void;
  /** The session is over; `exitCode` for an exec, `error` when it could not run. */
  end(result: { exitCode?: number; error?: string }): void;
}

/** The client side of an attach or exec session, as the kubelet serves it. */
export interface StreamSession {
  /** Bytes from the client's stdin. */
  stdin(data: Buffer): void;
  /** The client closed its stdin (v5 close frame). */
  closeStdin(): void;
  /** The client went away. */
  detach(): void;
}

class ConfigError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

class ContainerRuntime {
  state: Obj = { waiting: { reason: 'ContainerCreating' } };
  lastState: Obj = {};
  restartCount = 0;
  started = false;
  child: ChildProcess | undefined;
  closed: Promise<void> = Promise.resolve();
  log: LogBuffer;
  previousLog: LogBuffer | undefined;
  environment: ContainerEnvironment | undefined;
  readonly attached = new Set<StreamSink>();
  /** Waits for a secret or config map to appear before it can start. */
  blockedOnConfig = false;
  /** Terminated and not going to restart. */
  done = false;
  exitCode: number | undefined;
  timer: NodeJS.Timeout | undefined;
  attachedWithStdin = false;
  imageKnown = false;

  constructor(
    readonly spec: Obj,
    readonly init: boolean,
    logLimitBytes: number,
  ) {
    this.log = new LogBuffer(logLimitBytes);
  }

  get name(): string {
    return String(this.spec.name);
  }

  get running(): boolean {
    return this.state.running !== undefined;
  }
}

class PodRuntime {
  readonly containers: ContainerRuntime[];
  readonly initContainers: ContainerRuntime[];
  readonly execs = new Set<ChildProcess>();
  readonly volumes = new Map<string, string>();
  stopping = false;
  gone = false;
  volumesReady = false;
  startTime = kubeTime();
  waitingForVolumes: string | undefined;

  constructor(
    readonly pod: KubeObject,
    readonly dir: string,
    logLimitBytes: number,
  ) {
    const spec = obj(pod.spec);
    this.containers = list(spec.containers).map(
      (c) => new ContainerRuntime(c, false, logLimitBytes),
    );
    this.initContainers = list(spec.initContainers).map(
      (c) => new ContainerRuntime(c, true, logLimitBytes),
    );
  }

  get uid(): string {
    return uidOf(this.pod);
  }
  get namespace(): string {
    return namespaceOf(this.pod);
  }
  get name(): string {
    return nameOf(this.pod);
  }
  get restartPolicy(): string {
    return String(obj(this.pod.spec).restartPolicy ?? 'Always');
  }
  get all(): ContainerRuntime[] {
    return [...this.initContainers, ...this.containers];
  }
}

const live = new Set<ChildProcess>();
// A test run that dies must not leave container processes behind.
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

// A process that exits or closes its stdin makes writes to it fail with EPIPE: what the client
// sent after that is lost, as it would be in a cluster.
function ignoreStdinError(): void {
  // Nothing to do: see above.
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function expand(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g,
    (match, name: string | undefined) => {
      if (match === '$$') return '$';
      return name !== undefined ? (env[name] ?? match) : match;
    },
  );
}

/**
 * The node: schedules pods onto itself and runs each container as a local process group, with
 * the container's command, args, env (secrets and config maps resolved), working directory and
 * volumes (claims, emptyDir, secrets and config maps as host directories), and reports it all
 * in the pod's status as a real kubelet does. Serves logs, attach and exec.
 */
export class Kubelet {
  private readonly pods = new Map<string, PodRuntime>();
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(
    private readonly registry: Registry,
    private readonly options: KubeletOptions,
  ) {
    this.unsubscribe = registry.store.subscribe((change) => {
      try {
        this.onChange(change);
      } catch {
        // The next change retries, as a real kubelet's sync loop does.
      }
    });
  }

  private onChange(change: StoreChange): void {
    if (this.stopped) return;
    const { def, object, type } = change;
    const meta = metaOf(object);
    if (def.kind === 'Pod') {
      if (type === 'DELETED') {
        this.forget(meta.uid ?? '');
        return;
      }
      const spec = obj(object.spec);
      if (meta.deletionTimestamp) void this.terminate(object);
      else if (!spec.nodeName) this.schedule(object);
      else if (spec.nodeName === this.options.nodeName && !this.pods.has(meta.uid ?? '')) {
        const phase = obj(object.status).phase;
        if (phase !== 'Succeeded' && phase !== 'Failed') void this.startPod(object);
      }
      return;
    }
    if ((def.kind === 'Secret' || def.kind === 'ConfigMap') && type !== 'DELETED') {
      for (const runtime of this.pods.values()) {
        if (runtime.namespace !== meta.namespace || runtime.stopping) continue;
        if (!runtime.volumesReady) void this.runPod(runtime);
        for (const c of runtime.all) {
          if (c.blockedOnConfig) {
            c.blockedOnConfig = false;
            void this.startContainer(runtime, c);
          }
        }
      }
    }
    if (def.kind === 'PersistentVolumeClaim' && type !== 'DELETED') {
      for (const pod of this.registry.store.list(PODS, meta.namespace)) {
        if (!obj(pod.spec).nodeName && !pod.metadata?.deletionTimestamp) this.schedule(pod);
      }
    }
  }

  // The scheduler's part: a pod whose claims all exist is bound to this node.
  private schedule(pod: KubeObject): void {
    const meta = metaOf(pod);
    const missing = list(obj(pod.spec).volumes)
      .map((v) => obj(v.persistentVolumeClaim).claimName)
      .filter((n): n is string => typeof n === 'string')
      .find((claim) => {
        const found = this.registry.store.get(CLAIMS, meta.namespace, claim);
        return !found || found.metadata?.deletionTimestamp;
      });
    this.registry.mutate(PODS, meta.namespace, meta.name ?? '', (p) => {
      if (obj(p.spec).nodeName || p.metadata?.deletionTimestamp) return false;
      const status = obj(p.status);
      if (missing) {
        setCondition(
          status,
          'PodScheduled',
          'False',
          'Unschedulable',
          `0/1 nodes are available: persistentvolumeclaim "${missing}" not found.`,
        );
      } else {
        (p.spec as Obj).nodeName = this.options.nodeName;
        setCondition(status, 'PodScheduled', 'True');
      }
      p.status = status;
    });
  }

  private async startPod(pod: KubeObject): Promise<void> {
    const uid = uidOf(pod);
    const dir = join(this.options.dataDir, 'pods', uid);
    mkdirSync(dir, { recursive: true });
    const runtime = new PodRuntime(pod, dir, this.options.logLimitBytes);
    this.pods.set(uid, runtime);
    await this.runPod(runtime);
  }

  private async runPod(runtime: PodRuntime): Promise<void> {
    if (!runtime.volumesReady) {
      try {
        this.prepareVolumes(runtime);
        runtime.volumesReady = true;
        runtime.waitingForVolumes = undefined;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        // Like a failed mount: the pod stays ContainerCreating until what it needs exists.
        runtime.waitingForVolumes = err.message;
        this.writeStatus(runtime);
        return;
      }
    }
    for (const init of runtime.initContainers) {
      if (init.done && init.exitCode === 0) continue;
      if (!init.child && !init.timer && !init.blockedOnConfig)
        void this.startContainer(runtime, init);
      return;
    }
    for (const c of runtime.containers) {
      if (!c.child && !c.timer && !c.done && !c.blockedOnConfig)
        void this.startContainer(runtime, c);
    }
    this.writeStatus(runtime);
  }

  private prepareVolumes(runtime: PodRuntime): void {
    const spec = obj(runtime.pod.spec);
    const namespace = runtime.namespace;
    for (const volume of list(spec.volumes)) {
      const name = String(volume.name);
      const own = join(runtime.dir, 'volumes', name);
      if (volume.persistentVolumeClaim) {
        const claimName = String(obj(volume.persistentVolumeClaim).claimName);
        const claim = this.registry.store.get(CLAIMS, namespace, claimName);
        const volumeName = obj(claim?.spec).volumeName;
        if (typeof volumeName !== 'string') {
          throw new ConfigError(
            'ContainerCreating',
            `persistentvolumeclaim "${claimName}" not bound`,
          );
        }
        runtime.volumes.set(name, this.options.volumeDir(volumeName));
      } else if (volume.hostPath) {
        runtime.volumes.set(name, String(obj(volume.hostPath).path));
      } else if (volume.secret || volume.configMap) {
        const source = obj(volume.secret ?? volume.configMap);
        const isSecret = !!volume.secret;
        const sourceName = String(isSecret ? source.secretName : source.name);
        const found = this.registry.store.get(
          isSecret ? SECRETS : CONFIG_MAPS,
          namespace,
          sourceName,
        );
        mkdirSync(own, { recursive: true });
        if (!found) {
          if (source.optional === true) {
            runtime.volumes.set(name, own);
            continue;
          }
          throw new ConfigError(
            'ContainerCreating',
            `MountVolume.SetUp failed for volume "${name}" : ${isSecret ? 'secret' : 'configmap'} "${sourceName}" not found`,
          );
        }
        const files = dataOf(found, isSecret);
        const items = list(source.items);
        const entries = items.length
          ? items.map((i) => [String(i.path), files[String(i.key)] ?? Buffer.alloc(0)] as const)
          : Object.entries(files);
        for (const [path, content] of entries) {
          mkdirSync(dirname(join(own, path)), { recursive: true });
          writeFileSync(join(own, path), content);
        }
        runtime.volumes.set(name, own);
      } else {
        mkdirSync(own, { recursive: true });
        runtime.volumes.set(name, own);
      }
    }
  }

  private mountsOf(
    runtime: PodRuntime,
    c: ContainerRuntime,
  ): { mountPath: string; hostPath: string }[] {
    return list(c.spec.volumeMounts)
      .map((m) => {
        const base = runtime.volumes.get(String(m.name)) ?? '';
        const hostPath = m.subPath ? join(base, String(m.subPath)) : base;
        if (m.subPath) mkdirSync(hostPath, { recursive: true });
        return { mountPath: String(m.mountPath).replace(/\/+$/, '') || '/', hostPath };
      })
      .sort((a, b) => b.mountPath.length - a.mountPath.length);
  }

  // Volumes cannot be mounted into a host process, so a mount point where a path starts (in
  // the working directory, command, args and env values, including inside a shell script) is
  // rewritten to the volume's host directory.
  private rewriter(runtime: PodRuntime, c: ContainerRuntime): (value: string) => string {
    const mounts = this.mountsOf(runtime, c).filter((m) => m.mountPath !== '/');
    if (mounts.length === 0) return (value) => value;
    const escaped = mounts.map((m) => m.mountPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pattern = new RegExp(`(^|[\\s=:'"(,])(${escaped.join('|')})(?=$|[/\\s'";:),])`, 'g');
    const hostPaths = new Map(mounts.map((m) => [m.mountPath, m.hostPath]));
    return (value) =>
      value.replace(
        pattern,
        (_all, before: string, mountPath: string) => `${before}${hostPaths.get(mountPath)}`,
      );
  }

  private resolveEnvironment(runtime: PodRuntime, c: ContainerRuntime): ContainerEnvironment {
    const image = String(c.spec.image ?? '');
    const imageConfig = this.options.images[image];
    const command = strings(c.spec.command);
    const args = strings(c.spec.args);
    c.imageKnown = imageConfig !== undefined;
    if (!imageConfig && (!command || this.options.strictImages)) {
      throw new ConfigError(
        'ErrImagePull',
        `failed to pull and unpack image "${image}": the emulator has no local command for this image (set it in the images option)`,
      );
    }
    const rewrite = this.rewriter(runtime, c);
    const home = join(runtime.dir, 'containers', c.name);
    mkdirSync(home, { recursive: true });
    const env: Record<string, string> = {
      PATH: `${dirname(process.execPath)}:${DEFAULT_PATH}`,
      HOSTNAME: runtime.name,
      HOME: home,
      KUBERNETES_SERVICE_HOST: this.options.apiHost,
      KUBERNETES_SERVICE_PORT: String(this.options.apiPort),
      ...imageConfig?.env,
    };
    for (const source of list(c.spec.envFrom)) {
      const isSecret = !!source.secretRef;
      const ref = obj(source.secretRef ?? source.configMapRef);
      const found = this.registry.store.get(
        isSecret ? SECRETS : CONFIG_MAPS,
        runtime.namespace,
        String(ref.name),
      );
      if (!found) {
        if (ref.optional === true) continue;
        throw new ConfigError(
          'CreateContainerConfigError',
          `${isSecret ? 'secret' : 'configmap'} "${String(ref.name)}" not found`,
        );
      }
      for (const [key, value] of Object.entries(dataOf(found, isSecret))) {
        const name = `${String(source.prefix ?? '')}${key}`;
        if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) env[name] = value.toString('utf8');
      }
    }
    for (const entry of list(c.spec.env)) {
      const name = String(entry.name);
      if (entry.valueFrom === undefined) {
        env[name] = rewrite(expand(String(entry.value ?? ''), env));
        continue;
      }
      const value = this.valueFrom(runtime, obj(entry.valueFrom));
      if (value !== undefined) env[name] = value;
    }
    // What the pod says is rewritten to the volumes; what the image option says is a host
    // command already, which may live under a path that is also a mount point (`/tmp`).
    const fromPod = (values: string[]) => values.map((a) => rewrite(expand(a, env)));
    const fromImage = (values: string[]) => values.map((a) => expand(a, env));
    const argv = command
      ? [...fromPod(command), ...fromPod(args ?? [])]
      : [
          ...fromImage(imageConfig?.command ?? []),
          ...(args ? fromPod(args) : fromImage(imageConfig?.args ?? [])),
        ];
    if (argv.length === 0) {
      throw new ConfigError('CreateContainerError', 'no command specified');
    }
    const cwd =
      typeof c.spec.workingDir === 'string'
        ? rewrite(c.spec.workingDir)
        : (imageConfig?.workingDir ?? home);
    mkdirSync(cwd, { recursive: true });
    return { argv, env, cwd };
  }

  private valueFrom(runtime: PodRuntime, source: Obj): string | undefined {
    const pod = this.registry.store.get(PODS, runtime.namespace, runtime.name) ?? runtime.pod;
    if (source.secretKeyRef || source.configMapKeyRef) {
      const isSecret = !!source.secretKeyRef;
      const ref = obj(source.secretKeyRef ?? source.configMapKeyRef);
      const kind = isSecret ? 'Secret' : 'ConfigMap';
      const found = this.registry.store.get(
        isSecret ? SECRETS : CONFIG_MAPS,
        runtime.namespace,
        String(ref.name),
      );
      if (!found) {
        if (ref.optional === true) return undefined;
        throw new ConfigError(
          'CreateContainerConfigError',
          `${isSecret ? 'secret' : 'configmap'} "${String(ref.name)}" not found`,
        );
      }
      const value = dataOf(found, isSecret)[String(ref.key)];
      if (value === undefined) {
        if (ref.optional === true) return undefined;
        throw new ConfigError(
          'CreateContainerConfigError',
          `couldn't find key ${String(ref.key)} in ${kind} ${runtime.namespace}/${String(ref.name)}`,
        );
      }
      return value.toString('utf8');
    }
    if (source.fieldRef) {
      const path = String(obj(source.fieldRef).fieldPath);
      const meta = metaOf(pod);
      const labelMatch = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
      if (labelMatch)
        return obj(meta[labelMatch[1] ?? ''])[labelMatch[2] ?? ''] as string | undefined;
      const fields: Record<string, unknown> = {
        'metadata.name': meta.name,
        'metadata.namespace': meta.namespace,
        'metadata.uid': meta.uid,
        'spec.nodeName': obj(pod.spec).nodeName,
        'spec.serviceAccountName': obj(pod.spec).serviceAccountName,
        'status.podIP': '127.0.0.1',
        'status.podIPs': '127.0.0.1',
        'status.hostIP': '127.0.0.1',
        'status.hostIPs': '127.0.0.1',
      };
      return fields[path] === undefined ? '' : String(fields[path]);
    }
    return '';
  }

  private async startContainer(runtime: PodRuntime, c: ContainerRuntime): Promise<void> {
    c.timer = undefined;
    if (runtime.stopping || runtime.gone || this.stopped) return;
    let environment: ContainerEnvironment;
    try {
      environment = this.resolveEnvironment(runtime, c);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      c.state = { waiting: { reason: err.reason, message: err.message } };
      if (err.reason === 'ErrImagePull') {
        c.timer = setTimeout(() => {
          if (runtime.stopping || runtime.gone) return;
          c.state = {
            waiting: {
              reason: 'ImagePullBackOff',
              message: `Back-off pulling image "${String(c.spec.image)}"`,
            },
          };
          this.writeStatus(runtime);
        }, this.options.imagePullBackoffMs);
      } else c.blockedOnConfig = true;
      this.writeStatus(runtime);
      return;
    }
    c.environment = environment;
    const [file = '', ...args] = environment.argv;
    const stdin = c.spec.stdin === true;
    const child = spawn(file, args, {
      cwd: environment.cwd,
      env: environment.env,
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    c.child = child;
    live.add(child);
    const startedAt = kubeTime();
    const containerID = `emulator://${runtime.uid}/${c.name}/${c.restartCount}`;
    let spawnError: Error | undefined;
    child.stdin?.on('error', ignoreStdinError);
    const onOutput = (channel: 1 | 2) => (data: Buffer) => {
      c.log.append(data);
      for (const sink of c.attached) sink.output(channel, data);
    };
    child.stdout?.on('data', onOutput(1));
    child.stderr?.on('data', onOutput(2));
    child.once('error', (err) => {
      spawnError = err;
    });
    child.once('spawn', () => {
      c.state = { running: { startedAt } };
      c.started = true;
      this.writeStatus(runtime);
    });
    child.once('exit', () => {
      // The container's other processes go with its first, as in a PID namespace.
      killGroup(child, 'SIGKILL');
    });
    c.closed = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        live.delete(child);
        c.child = undefined;
        const exitCode = spawnError
          ? 128
          : (code ?? 128 + (constants.signals[signal as NodeJS.Signals] ?? 9));
        c.exitCode = exitCode;
        c.state = {
          terminated: {
            exitCode,
            ...(signal ? { signal: constants.signals[signal] } : {}),
            reason: spawnError ? 'StartError' : exitCode === 0 ? 'Completed' : 'Error',
            ...(spawnError ? { message: `exec: "${file}": ${spawnError.message}` } : {}),
            startedAt,
            finishedAt: kubeTime(),
            containerID,
          },
        };
        c.log.close();
        for (const sink of c.attached) sink.end({});
        c.attached.clear();
        this.afterExit(runtime, c, exitCode);
        resolve();
      });
    });
  }

  private afterExit(runtime: PodRuntime, c: ContainerRuntime, exitCode: number): void {
    const policy = runtime.restartPolicy;
    const restart =
      !runtime.stopping &&
      !runtime.gone &&
      !this.stopped &&
      // An init container runs to success once; a failed one is retried unless policy is Never.
      (c.init
        ? policy !== 'Never' && exitCode !== 0
        : policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0));
    if (!restart) {
      c.done = true;
      this.writeStatus(runtime);
      if (c.init && exitCode === 0) void this.runPod(runtime);
      return;
    }
    const delay = this.options.restartBackoffMs * 2 ** Math.min(c.restartCount, 5);
    c.restartCount += 1;
    c.lastState = c.state;
    c.previousLog = c.log;
    c.log = new LogBuffer(this.options.logLimitBytes);
    c.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${Math.round(delay)}ms restarting failed container=${c.name} pod=${runtime.name}_${runtime.namespace}(${runtime.uid})`,
      },
    };
    c.timer = setTimeout(() => void this.startContainer(runtime, c), delay);
    this.writeStatus(runtime);
  }

  private writeStatus(runtime: PodRuntime): void {
    if (runtime.gone) return;
    this.registry.mutate(PODS, runtime.namespace, runtime.name, (pod) => {
      if (pod.metadata?.uid !== runtime.uid) return false;
      const status = obj(pod.status);
      const initDone = runtime.initContainers.every((c) => c.done && c.exitCode === 0);
      const initFailed = runtime.initContainers.some((c) => c.done && c.exitCode !== 0);
      const main = runtime.containers;
      const allDone = main.every((c) => c.done);
      let phase: string;
      if (initFailed) phase = 'Failed';
      else if (runtime.stopping && main.every((c) => c.done || !c.started)) {
        phase = main.every((c) => c.exitCode === 0) ? 'Succeeded' : 'Failed';
      } else if (!initDone) phase = 'Pending';
      else if (allDone) phase = main.every((c) => c.exitCode === 0) ? 'Succeeded' : 'Failed';
      else if (main.some((c) => c.started)) phase = 'Running';
      else phase = 'Pending';
      const unready = main.filter((c) => !c.running).map((c) => c.name);
      const terminal = phase === 'Succeeded' || phase === 'Failed';
      setCondition(status, 'PodReadyToStartContainers', runtime.volumesReady ? 'True' : 'False');
      setCondition(
        status,
        'Initialized',
        initDone ? 'True' : 'False',
        initDone ? undefined : 'ContainersNotInitialized',
      );
      const readyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
      const readyMessage = terminal
        ? undefined
        : `containers with unready status: [${unready.join(' ')}]`;
      const ready = unready.length === 0 && !terminal ? 'True' : 'False';
      setCondition(
        status,
        'ContainersReady',
        ready,
        ready === 'True' ? undefined : readyReason,
        ready === 'True' ? undefined : readyMessage,
      );
      setCondition(
        status,
        'Ready',
        ready,
        ready === 'True' ? undefined : readyReason,
        ready === 'True' ? undefined : readyMessage,
      );
      setCondition(status, 'PodScheduled', 'True');
      status.phase = phase;
      status.hostIP = '127.0.0.1';
      status.hostIPs = [{ ip: '127.0.0.1' }];
      status.podIP = '127.0.0.1';
      status.podIPs = [{ ip: '127.0.0.1' }];
      status.startTime = runtime.startTime;
      const describe = (c: ContainerRuntime) => {
        const state =
          runtime.waitingForVolumes && !c.started
            ? { waiting: { reason: 'ContainerCreating' } }
            : c.state;
        return {
          name: c.name,
          state,
          lastState: c.lastState,
          ready: c.running && !c.init && !terminal,
          restartCount: c.restartCount,
          image: String(c.spec.image ?? ''),
          imageID: c.imageKnown ? `emulator://${String(c.spec.image)}` : '',
          ...(c.started
            ? { containerID: `emulator://${runtime.uid}/${c.name}/${c.restartCount}` }
            : {}),
          started: c.running,
        };
      };
      status.containerStatuses = main.map(describe);
      if (runtime.initContainers.length)
        status.initContainerStatuses = runtime.initContainers.map(describe);
      pod.status = status;
    });
  }

  // Graceful deletion: SIGTERM to every container, SIGKILL when the grace period (capped by
  // the options) runs out, then the pod object goes.
  private async terminate(pod: KubeObject): Promise<void> {
    const meta = metaOf(pod);
    const runtime = this.pods.get(meta.uid ?? '');
    if (!runtime) {
      this.registry.removePod(PODS, meta.namespace ?? '', meta.name ?? '');
      return;
    }
    if (runtime.stopping) return;
    runtime.stopping = true;
    const graceMs = Math.min(
      (meta.deletionGracePeriodSeconds ?? 30) * 1000,
      this.options.maxGracePeriodMs,
    );
    for (const c of runtime.all) {
      clearTimeout(c.timer);
      c.timer = undefined;
      if (c.child) killGroup(c.child, 'SIGTERM');
    }
    for (const exec of runtime.execs) killGroup(exec, 'SIGTERM');
    const kill = setTimeout(() => {
      for (const c of runtime.all) if (c.child) killGroup(c.child, 'SIGKILL');
      for (const exec of runtime.execs) killGroup(exec, 'SIGKILL');
    }, graceMs);
    await Promise.all(runtime.all.map((c) => c.closed));
    clearTimeout(kill);
    this.writeStatus(runtime);
    this.registry.removePod(PODS, meta.namespace ?? '', meta.name ?? '');
  }

  private forget(uid: string): void {
    const runtime = this.pods.get(uid);
    if (!runtime) return;
    runtime.gone = true;
    runtime.stopping = true;
    this.pods.delete(uid);
    for (const c of runtime.all) {
      clearTimeout(c.timer);
      if (c.child) killGroup(c.child, 'SIGKILL');
    }
    for (const exec of runtime.execs) killGroup(exec, 'SIGKILL');
    void Promise.all(runtime.all.map((c) => c.closed)).then(() =>
      rmSync(runtime.dir, { recursive: true, force: true }),
    );
  }

  private runtimeOf(namespace: string, podName: string): PodRuntime {
    const pod = this.registry.store.get(PODS, namespace, podName);
    if (!pod) throw notFound(PODS, podName);
    const runtime = this.pods.get(uidOf(pod));
    if (!runtime) {
      throw badRequest(`pod ${podName} does not have a host assigned`);
    }
    return runtime;
  }

  private containerOf(runtime: PodRuntime, name: string | undefined): ContainerRuntime {
    if (!name) {
      const [only, ...others] = runtime.containers;
      if (only && others.length === 0) return only;
      const names = runtime.containers.map((c) => c.name).join(' ');
      throw badRequest(
        `a container name must be specified for pod ${runtime.name}, choose one of: [${names}]`,
      );
    }
    const found = runtime.all.find((c) => c.name === name);
    if (!found) throw badRequest(`container ${name} is not valid for pod ${runtime.name}`);
    return found;
  }

  /** Throws the `Status` an exec or attach gets when the container is not running. */
  checkRunning(namespace: string, podName: string, container: string | undefined): void {
    const c = this.containerOf(this.runtimeOf(namespace, podName), container);
    if (!c.running) throw badRequest(`container ${c.name} is not running`);
  }

  /** A container's log, as `GET .../log` answers it (without follow). */
  readLog(
    namespace: string,
    podName: string,
    container: string | undefined,
    query: LogQuery & { previous?: boolean },
  ): { log: LogBuffer } {
    const runtime = this.runtimeOf(namespace, podName);
    const c = this.containerOf(runtime, container);
    if (query.previous) {
      if (!c.previousLog) {
        throw badRequest(`previous terminated container "${c.name}" in pod "${podName}" not found`);
      }
      return { log: c.previousLog };
    }
    if (!c.started && !c.done) {
      const reason = String(obj(c.state.waiting).reason ?? 'ContainerCreating');
      const why =
        reason === 'ErrImagePull' || reason === 'ImagePullBackOff'
          ? 'trying and failing to pull image'
          : reason;
      throw badRequest(`container "${c.name}" in pod "${podName}" is waiting to start: ${why}`);
    }
    return { log: c.log };
  }

  /** Connects a client to a running container's stdin, stdout and stderr. */
  attach(
    namespace: string,
    podName: string,
    container: string | undefined,
    want: { stdin: boolean; stdout: boolean; stderr: boolean },
    sink: StreamSink,
  ): StreamSession {
    const runtime = this.runtimeOf(namespace, podName);
    const c = this.containerOf(runtime, container);
    const child = c.child;
    if (!child || !c.running) throw badRequest(`container ${c.name} is not running`);
    const filtered: StreamSink = {
      output: (channel, data) => {
        if ((channel === 1 && want.stdout) || (channel === 2 && want.stderr))
          sink.output(channel, data);
      },
      end: (result) => sink.end(result),
    };
    c.attached.add(filtered);
    const usesStdin = want.stdin && !!child.stdin;
    if (usesStdin) c.attachedWithStdin = true;
    let over = false;
    return {
      stdin: (data) => {
        if (usesStdin && !over) child.stdin?.write(data);
      },
      closeStdin: () => {
        if (usesStdin && c.spec.stdinOnce === true) child.stdin?.end();
      },
      detach: () => {
        if (over) return;
        over = true;
        c.attached.delete(filtered);
        // stdinOnce: the container's stdin closes when its first attach session ends.
        if (usesStdin && c.spec.stdinOnce === true) child.stdin?.end();
      },
    };
  }

  /** Runs a command in a running container's environment and streams it. */
  exec(
    namespace: string,
    podName: string,
    container: string | undefined,
    command: string[],
    want: { stdin: boolean; stdout: boolean; stderr: boolean },
    sink: StreamSink,
  ): StreamSession {
    const runtime = this.runtimeOf(namespace, podName);
    const c = this.containerOf(runtime, container);
    if (!c.running || !c.environment) throw badRequest(`container ${c.name} is not running`);
    if (command.length === 0) throw badRequest('you must specify at least 1 command');
    const environment = c.environment;
    const child = spawn(command[0] ?? '', command.slice(1), {
      cwd: environment.cwd,
      env: environment.env,
      stdio: [want.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(child);
    runtime.execs.add(child);
    let spawnError: Error | undefined;
    child.stdin?.on('error', ignoreStdinError);
    child.stdout?.on('data', (data: Buffer) => want.stdout && sink.output(1, data));
    child.stderr?.on('data', (data: Buffer) => want.stderr && sink.output(2, data));
    child.once('error', (err) => {
      spawnError = err;
    });
    child.once('close', (code, signal) => {
      live.delete(child);
      runtime.execs.delete(child);
      if (spawnError) {
        const notFound = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
        sink.end({
          error: notFound
            ? `failed to exec in container: exec: "${command[0]}": executable file not found in $PATH`
            : `failed to exec in container: ${spawnError.message}`,
        });
        return;
      }
      sink.end({ exitCode: code ?? 128 + (constants.signals[signal as NodeJS.Signals] ?? 9) });
    });
    return {
      stdin: (data) => child.stdin?.write(data),
      closeStdin: () => child.stdin?.end(),
      detach: () => child.stdin?.end(),
    };
  }

  /** The pid of a container's process, while it runs (for tests that check it survives). */
  pidOf(namespace: string, podName: string, container?: string): number | undefined {
    try {
      return this.containerOf(this.runtimeOf(namespace, podName), container).child?.pid;
    } catch (err) {
      if (err instanceof KubeApiError) return undefined;
      throw err;
    }
  }

  /** Kills every container and exec process and waits for them to exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    const closing: Promise<void>[] = [];
    for (const runtime of this.pods.values()) {
      runtime.stopping = true;
      runtime.gone = true;
      for (const c of runtime.all) {
        clearTimeout(c.timer);
        if (c.child) killGroup(c.child, 'SIGKILL');
        closing.push(c.closed);
      }
      for (const exec of runtime.execs) {
        killGroup(exec, 'SIGKILL');
        closing.push(new Promise((resolve) => exec.once('close', () => resolve())));
      }
    }
    this.pods.clear();
    await Promise.all(closing);
  }
}

function dataOf(found: KubeObject, isSecret: boolean): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(obj(found.data))) {
    files[key] = isSecret
      ? Buffer.from(String(value), 'base64')
      : Buffer.from(String(value), 'utf8');
  }
  if (!isSecret) {
    for (const [key, value] of Object.entries(obj(found.binaryData))) {
      files[key] = Buffer.from(String(value), 'base64');
    }
  }
  return files;
}

function setCondition(
  status: Obj,
  type: string,
  value: string,
  reason?: string,
  message?: string,
): void {
  const conditions = list(status.conditions);
  const existing = conditions.find((c) => c.type === type);
  const changed = !existing || existing.status !== value;
  const next: Obj = {
    type,
    status: value,
    lastProbeTime: null,
    lastTransitionTime: changed ? kubeTime() : existing.lastTransitionTime,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
  if (existing) conditions[conditions.indexOf(existing)] = next;
  else conditions.push(next);
  status.conditions = conditions;
}
