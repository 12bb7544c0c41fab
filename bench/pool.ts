// Warm pools: a new agent's `POST /agents` → `task_started`, when its template keeps a warm
// pool (the agent claims a ready pod) against a template that keeps none (the agent's pod and
// workspace claim are made, scheduled and started, and its runtime boots). Both are measured in
// the same run, taken in turns, on the Kubernetes API emulator (its kubelet runs each pod as a
// local process); the result is their ratio.
// The services run as they are deployed: the gateway, the scheduler with the kubernetes driver,
// the model (bench/model-server) and redis-server, each a process of its own. This process is
// the client and the emulator, whose kubelet runs the pods' runtimes.
// Usage: npm run bench:pool -- [--samples 15]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { eventually, followEvents, startKubeEmulator, startRedisServer } from '@komputer/testing';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { percentile } from './lib/measure';
import { authorization, post, startBenchStack } from './lib/services';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '15' } } });
const samples = Number(values.samples);

const KUBE_NAMESPACE = 'komputer-agents';
const IMAGE = 'komputer/agent-runtime:bench';
/** The pool's size: one pod is claimed per warm sample, and the pool refills before the next. */
const POOL_SIZE = 2;

/** Sends a request with `method`, `apiKey` and a JSON body, and answers its status. */
async function call(method: string, url: string, apiKey: string, json?: unknown): Promise<number> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...authorization(apiKey) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'komputer-bench-pool-'));
  const emulator = await startKubeEmulator({
    images: {
      [IMAGE]: {
        command: [process.execPath, join(__dirname, '..', 'apps', 'agent-runtime', 'main.js')],
      },
    },
    namespaces: ['default', KUBE_NAMESPACE],
    maxGracePeriodMs: 1_000,
  });
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig());
  const core = kc.makeApiClient(CoreV1Api);
  const redis = new Redis(redisServer.url);
  let stopStack = async () => undefined as void;
  try {
    const stack = await startBenchStack(redisServer.url, dataDir, {
      KOMPUTER_RUNTIME_DRIVER: 'kubernetes',
      KOMPUTER_KUBECONFIG: emulator.kubeconfigPath,
      KOMPUTER_KUBE_NAMESPACE: KUBE_NAMESPACE,
      KOMPUTER_KUBE_RUNTIME_IMAGE: IMAGE,
      KOMPUTER_KUBE_POOL_SYNC_MS: '2000',
    });
    stopStack = stack.stop;
    const { api, apiKey } = stack;
    for (const [name, spec] of [
      ['pooled', { warmPoolSize: POOL_SIZE }],
      ['unpooled', {}],
    ] as const) {
      const status = await call('POST', `${api}/templates`, apiKey, { name, ...spec });
      if (status !== 201 && status !== 200) throw new Error(`POST /templates answered ${status}`);
    }

    /** Resolves once the pool holds `POOL_SIZE` ready pods. */
    const poolFull = () =>
      eventually(
        async () =>
          (
            await core.listNamespacedPod({
              namespace: KUBE_NAMESPACE,
              labelSelector: 'komputer.ai/pool-template=pooled,komputer.ai/pool-ready=true',
            })
          ).items.length === POOL_SIZE,
        'a full warm pool',
        60_000,
        50,
      );

    /** A new agent of `template` with one task; the time from POST to task_started, in ms. */
    const dispatch = async (name: string, template: string): Promise<number> => {
      const key = `komputer:default:events:${name}`;
      const events = followEvents(redis, key, {
        after: '0-0',
        until: (e) => e.type === 'task_completed',
        timeoutMs: 60_000,
      });
      const t0 = performance.now();
      const { status, body } = await post(
        `${api}/agents`,
        { name, instructions: 'hello', templateRef: template },
        { apiKey },
      );
      if (status !== 201) throw new Error(`POST /agents answered ${status}: ${body}`);
      const started = (await events).find((e) => e.type === 'task_started');
      if (!started) throw new Error(`agent ${name} completed without task_started`);
      const elapsed = started.receivedAt - t0;
      // Its pod goes, so that the machine runs no more pods at the next sample than at this one.
      const deleted = await call('DELETE', `${api}/agents/${name}`, apiKey);
      if (deleted !== 200) throw new Error(`DELETE /agents/${name} answered ${deleted}`);
      return elapsed;
    };

    const progress = (what: string) => process.stderr.write(`${what}…\n`);
    progress('filling the pool');
    await poolFull();
    // One of each first, unmeasured: the first pod and the first claim pay for cold caches.
    await dispatch('warmup-cold', 'unpooled');
    await poolFull();
    await dispatch('warmup-warm', 'pooled');
    const warm: number[] = [];
    const cold: number[] = [];
    for (let i = 0; i < samples; i++) {
      progress(`sample ${i + 1} of ${samples}`);
      await poolFull();
      warm.push(await dispatch(`warm-${i}`, 'pooled'));
      cold.push(await dispatch(`cold-${i}`, 'unpooled'));
    }

    const cells = (of: number[]) =>
      [0.5, 0.9, 0.99].map((q) => percentile(of, q).toFixed(1).padStart(9)).join('');
    const ratio = (q: number) => (percentile(warm, q) / percentile(cold, q)).toFixed(2);
    process.stdout.write(
      `${samples} new agents of each kind, taken in turns, on the Kubernetes API emulator\n\n` +
        `${'POST /agents → task_started'.padEnd(44)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'p99 ms'.padStart(9)}\n` +
        `${'cold: pod and workspace claim made'.padEnd(44)}${cells(cold)}\n` +
        `${'warm: a ready pod of the pool claimed'.padEnd(44)}${cells(warm)}\n` +
        `\nwarm ÷ cold: p50 ${ratio(0.5)}×, p90 ${ratio(0.9)}×, p99 ${ratio(0.99)}× (target: ≤ 0.25×)\n`,
    );
  } finally {
    redis.disconnect();
    await stopStack();
    await emulator.close();
    await redisServer.stop({ removeData: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
