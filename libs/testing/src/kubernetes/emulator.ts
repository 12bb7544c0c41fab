import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenOnRandomPort } from '../listen';
import { ApiServer } from './api-server';
import { Controllers } from './controllers';
import { Kubelet } from './kubelet';
import type { ImageConfig } from './kubelet';
import { Registry } from './registry';
import type { KubeObject } from './resources';
import { resourceOfKind } from './resources';
import { ObjectStore } from './store';
import { loadSchemaValidators } from './validation';

/** Options for {@link startKubeEmulator}. */
export interface KubeEmulatorOptions {
  /**
   * What each image runs, since none can be pulled. A container with a `command` runs it even
   * when its image is not listed (unless `strictImages`); one without a command and with an
   * unlisted image waits in ErrImagePull, then ImagePullBackOff.
   */
  images?: Record<string, ImageConfig>;
  /** Treat every unlisted image as unpullable, even for containers with a command. Default false. */
  strictImages?: boolean;
  /** Where volumes and pod directories live. Default: a fresh temporary directory, removed by `close()`. */
  dataDir?: string;
  /** The node every pod is scheduled to. Default `emulator-node`. */
  nodeName?: string;
  /** Namespaces that exist from the start. Default the four a new cluster has: default, kube-system, kube-public, kube-node-lease. */
  namespaces?: string[];
  /** Upper bound of a pod's termination grace period (SIGTERM to SIGKILL). Default 2000 ms. */
  maxGracePeriodMs?: number;
  /** First delay before a container restarts (doubling with each restart). Default 100 ms. */
  restartBackoffMs?: number;
  /** How long an unknown image shows ErrImagePull before ImagePullBackOff. Default 100 ms. */
  imagePullBackoffMs?: number;
  /** How many changes watches can resume from; older resourceVersions get 410 Gone. Default 1000. */
  watchHistorySize?: number;
  /** How often a watch that allows bookmarks gets a BOOKMARK. Default 1000 ms. */
  bookmarkIntervalMs?: number;
  /** How much output each container's log keeps. Default 4 MiB. */
  logLimitBytes?: number;
}

/** A running emulator. */
export interface KubeEmulator {
  /** `http://127.0.0.1:<port>`, the API server's address. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Where volumes and pods' directories live. */
  readonly dataDir: string;
  /** A kubeconfig file for kubectl's `--kubeconfig` and `KubeConfig.loadFromFile`. */
  readonly kubeconfigPath: string;
  /** The kubeconfig's text, for `KubeConfig.loadFromString`. */
  kubeconfig(): string;
  /** The resourceVersion of the latest change. */
  readonly resourceVersion: number;
  /** The host directory of a claim's volume, once it is bound. */
  volumePath(namespace: string, claimName: string): string | undefined;
  /** The pid of a container's process while it runs (its process group's id too). */
  pidOf(namespace: string, podName: string, container?: string): number | undefined;
  /** Forgets the watch history, as an etcd compaction: every older resourceVersion gets 410 Gone. */
  compact(): void;
  /** Ends watches and streams, kills every container, stops listening; removes a temporary data dir. Idempotent. */
  close(): Promise<void>;
}

const CLAIMS = resourceOfKind('PersistentVolumeClaim');
const NAMESPACES = resourceOfKind('Namespace');

/** The kubeconfig of an emulator at `url`, with `namespace` as the context's default. */
export function emulatorKubeconfig(url: string, namespace = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kube-emulator',
    '  cluster:',
    `    server: ${url}`,
    // client-node refuses a plain-HTTP server unless TLS verification is off; kubectl ignores it.
    '    insecure-skip-tls-verify: true',
    'contexts:',
    '- name: kube-emulator',
    '  context:',
    '    cluster: kube-emulator',
    '    user: kube-emulator',
    `    namespace: ${namespace}`,
    'current-context: kube-emulator',
    'users:',
    '- name: kube-emulator',
    '  user: {}',
    'preferences: {}',
    '',
  ].join('\n');
}

/**
 * Starts a Kubernetes API server emulator on a random loopback port, with a kubelet that runs
 * pods as local processes. Plain HTTP: kubectl and `@kubernetes/client-node` accept an
 * `http://` server in a kubeconfig.
 */
export async function startKubeEmulator(options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'komputer-kube-'));
  mkdirSync(join(dataDir, 'volumes'), { recursive: true });
  const volumeDir = (volumeName: string) => join(dataDir, 'volumes', volumeName);
  const store = new ObjectStore({ historySize: options.watchHistorySize ?? 1000 });
  const registry = new Registry(store, await loadSchemaValidators());
  const controllers = new Controllers(registry, { volumeDir });
  const server = createServer();
  let address = { host: '127.0.0.1', port: 0, url: '' };
  const kubelet = new Kubelet(registry, {
    nodeName: options.nodeName ?? 'emulator-node',
    dataDir,
    images: options.images ?? {},
    strictImages: options.strictImages ?? false,
    maxGracePeriodMs: options.maxGracePeriodMs ?? 2000,
    restartBackoffMs: options.restartBackoffMs ?? 100,
    imagePullBackoffMs: options.imagePullBackoffMs ?? 100,
    logLimitBytes: options.logLimitBytes ?? 4 * 1024 * 1024,
    apiHost: '127.0.0.1',
    get apiPort() {
      return address.port;
    },
    volumeDir,
  });
  const api = new ApiServer(registry, kubelet, {
    address: () => `${address.host}:${address.port}`,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    gitVersion: 'v1.32.0',
  });
  server.on('request', api.handle);
  server.on('upgrade', api.upgrade);
  for (const name of options.namespaces ?? [
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
  ]) {
    registry.create(NAMESPACES, undefined, { metadata: { name } });
  }
  address = await listenOnRandomPort(server);
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const kubeconfigText = emulatorKubeconfig(address.url);
  writeFileSync(kubeconfigPath, kubeconfigText);
  let closing: Promise<void> | undefined;
  return {
    url: address.url,
    host: address.host,
    port: address.port,
    dataDir,
    kubeconfigPath,
    kubeconfig: () => kubeconfigText,
    get resourceVersion() {
      return store.resourceVersion;
    },
    volumePath(namespace, claimName) {
      const claim: KubeObject | undefined = store.get(CLAIMS, namespace, claimName);
      const volumeName = (claim?.spec as { volumeName?: string } | undefined)?.volumeName;
      return volumeName ? volumeDir(volumeName) : undefined;
    },
    pidOf: (namespace, podName, container) => kubelet.pidOf(namespace, podName, container),
    compact: () => store.compact(),
    close() {
      closing ??= (async () => {
        api.close();
        controllers.stop();
        await kubelet.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
