// Dispatch latency: from `POST /agents` to the task's `task_started` event, for a warm agent
// (its runtime is up and idle) and for a cold one (a new agent, whose runtime must start).
// Baseline, measured in the same run: a bare BullMQ add → processor round trip.
// Usage: npm run bench:dispatch -- [--tasks 200] [--cold 20]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createScheduler, SchedulerConfigSchema } from '@komputer/agent-scheduler';
import { createGateway, GatewayConfigSchema } from '@komputer/gateway';
import { createLogger, parseConfig } from '@komputer/service-kit';
import { followEvents, startRedisServer, startScriptedAnthropic, text } from '@komputer/testing';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '200' },
    cold: { type: 'string', default: '20' },
  },
});
const warmTasks = Number(values.tasks);
const coldTasks = Number(values.cold);

const percentile = (samples: number[], q: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

async function baseline(url: string, rounds: number): Promise<number[]> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-baseline', { connection });
  const started = new Map<string, number>();
  const samples: number[] = [];
  let next: (() => void) | undefined;
  const workerConnection = connection.duplicate();
  const worker = new Worker(
    'bench-baseline',
    async (job) => {
      samples.push(performance.now() - (started.get(job.id ?? '') ?? 0));
      next?.();
    },
    { connection: workerConnection },
  );
  await worker.waitUntilReady();
  for (let i = 0; i < rounds; i++) {
    const processed = new Promise<void>((resolve) => (next = resolve));
    started.set(`job-${i}`, performance.now());
    await queue.add('job', {}, { jobId: `job-${i}`, removeOnComplete: true });
    await processed;
  }
  await worker.close();
  await queue.close();
  workerConnection.disconnect();
  connection.disconnect();
  return samples;
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const model = await startScriptedAnthropic({
    offlineResponder: () => ({ content: [text('ok')] }),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'komputer-bench-'));
  const logger = createLogger({ name: 'bench', level: 'silent' });
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisServer.url,
    KOMPUTER_DATA_DIR: dataDir,
    ANTHROPIC_API_KEY: 'bench',
    ANTHROPIC_BASE_URL: model.url,
    LOG_LEVEL: 'silent',
  };
  const runtimeEntry = join(__dirname, '..', 'apps', 'agent-runtime', 'main.js');
  const scheduler = createScheduler(parseConfig(SchedulerConfigSchema, env), logger, runtimeEntry);
  await scheduler.start();
  const gateway = createGateway(parseConfig(GatewayConfigSchema, env), logger);
  const api = `${await gateway.listen()}/api/v1`;
  const redis = new Redis(redisServer.url);

  /** Runs one task; returns the time from POST to task_started, in ms. */
  const dispatch = async (name: string, instructions: string): Promise<number> => {
    const key = `komputer:default:events:${name}`;
    const last = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    const t0 = performance.now();
    const res = await fetch(`${api}/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, instructions }),
    });
    if (res.status !== 201) throw new Error(`POST /agents answered ${res.status}`);
    const { taskId } = (await res.json()) as { taskId: string };
    const events = await followEvents(redis, key, {
      after: last[0]?.[0] ?? '0-0',
      until: (e) => e.taskId === taskId && e.type === 'task_completed',
      timeoutMs: 30_000,
    });
    const started = events.find((e) => e.taskId === taskId && e.type === 'task_started');
    if (!started) throw new Error(`task ${taskId} completed without task_started`);
    return started.receivedAt - t0;
  };

  try {
    const progress = (what: string) => process.stderr.write(`${what}…\n`);
    progress('baseline');
    const base = await baseline(redisServer.url, warmTasks);
    progress('cold agents');
    const cold: number[] = [];
    for (let i = 0; i < coldTasks; i++) cold.push(await dispatch(`cold-${i}`, 'hello'));
    progress('warm agent');
    await dispatch('warm', 'warm up');
    const warm: number[] = [];
    for (let i = 0; i < warmTasks; i++) warm.push(await dispatch('warm', `task ${i}`));

    const runtime = await scheduler.driver.ensure({ namespace: 'default', name: 'warm' });
    const status = readFileSync(`/proc/${runtime.id.replace('pid ', '')}/status`, 'utf8');
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;

    const row = (label: string, samples: number[], target: string) =>
      `${label.padEnd(40)}${percentile(samples, 0.5).toFixed(2).padStart(9)}${percentile(samples, 0.99).toFixed(2).padStart(9)}   ${target}\n`;
    const ratio = percentile(warm, 0.5) / percentile(base, 0.5);
    process.stdout.write(
      `${warmTasks} warm tasks, ${coldTasks} cold tasks, one at a time\n\n` +
        `${'measure'.padEnd(40)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}   target\n` +
        row('baseline: bare BullMQ add → process', base, '') +
        row('warm agent: POST → task_started', warm, 'p50 ≤ 15, p99 ≤ 50, ≤ 3× baseline') +
        row('cold agent: POST → task_started', cold, 'p50 ≤ 500') +
        `\nwarm p50 ÷ baseline p50: ${ratio.toFixed(2)}×\n` +
        `idle runtime RSS: ${rssMb.toFixed(1)} MB (target ≤ 80 MB)\n`,
    );
  } finally {
    redis.disconnect();
    await gateway.close();
    await scheduler.close();
    await model.close();
    await redisServer.stop({ removeData: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
