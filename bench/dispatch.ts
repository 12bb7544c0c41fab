// Dispatch latency: from `POST /agents` to the task's `task_started` event, for a warm agent
// (its runtime is up and idle) and for a cold one (a new agent, whose runtime must start).
// Baseline, measured in the same run: a bare BullMQ round trip, from `add` until the producer's
// blocked XREAD sees the entry that the job's processor appended.
// The services run as they are deployed, each in a process of its own: the gateway, the
// scheduler (with its agent runtimes), the model (bench/model-server) and redis-server. This
// process is only the client and the baseline.
// Then event latency on the warm agent: tasks whose model streams text blocks, each event timed
// from the timestamp its runtime put on it to a WebSocket client of the gateway. Baseline: a bare
// XADD → XREAD BLOCK round trip stamped the same way.
// With --replica, Redis gets a replica and every task claim, start and event waits until the
// replica holds it (KOMPUTER_REDIS_WAIT_REPLICAS=1): what that durability costs.
// Usage: npm run bench:dispatch -- [--tasks 200] [--cold 20] [--streamed 20] [--replica]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { followEvents, RedisServer, startRedisServer } from '@komputer/testing';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { percentile, rssMb } from './lib/measure';
import { post, startBenchStack } from './lib/services';
import { stampedBaseline, Watcher } from './lib/watch';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '200' },
    cold: { type: 'string', default: '20' },
    streamed: { type: 'string', default: '20' },
    replica: { type: 'boolean', default: false },
  },
});
const warmTasks = Number(values.tasks);
const coldTasks = Number(values.cold);
const streamedTasks = Number(values.streamed);
/** What each streamed task's model answers: text blocks, with a delay between SSE events. */
const STREAM_BLOCKS = 10;
const STREAM_DELAY_MS = 5;
/** Baseline round trips for event latency. */
const EVENT_BASELINE_ROUNDS = 2_000;
/** How long the warm runtime idles before its idle RSS is read. */
const IDLE_MS = 10_000;
/** The child process of `parent` whose working directory is `cwd`. */
function childIn(parent: number, cwd: string): number {
  const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').split(' ');
  const pid = children.map(Number).find((p) => p > 0 && readlinkSync(`/proc/${p}/cwd`) === cwd);
  if (!pid) throw new Error(`no runtime of the scheduler runs in ${cwd}`);
  return pid;
}

/**
 * The baseline: `rounds` bare BullMQ round trips, one at a time: from `queue.add` until a blocked
 * XREAD in this process sees the entry that the job's processor appended to a stream, as a
 * client sees a task's `task_started`. Each job is added once the worker has finished the one
 * before and waits for work again, as a warm agent's task finds the scheduler. With `apart`, the
 * worker runs in a process of its own, as a queue's consumer is deployed (and as the scheduler
 * is); otherwise in this one, which saves the hand-over between processes.
 */
async function baseline(url: string, rounds: number, apart: boolean): Promise<number[]> {
  const queueName = apart ? 'bench-baseline-apart' : 'bench-baseline';
  const doneKey = `${queueName}:processed`;
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const reader = new Redis(url);
  const queue = new Queue(queueName, { connection });
  const samples: number[] = [];
  let completed: () => void = () => undefined;
  let stop: () => Promise<void>;
  if (apart) {
    const child = fork(join(__dirname, 'bullmq-worker.js'), [url, queueName, doneKey]);
    await new Promise<void>((resolve) => {
      child.on('message', (message: { ready?: boolean; completed?: string }) => {
        if (message.ready) resolve();
        else if (message.completed !== undefined) completed();
      });
    });
    stop = async () => {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    };
  } else {
    const workerConnection = connection.duplicate();
    const writer = new Redis(url);
    const worker = new Worker(
      queueName,
      async (job) => {
        await writer.xadd(doneKey, '*', 'job', job.id ?? '');
      },
      { connection: workerConnection },
    );
    worker.on('completed', () => completed());
    await worker.waitUntilReady();
    stop = async () => {
      await worker.close();
      workerConnection.disconnect();
      writer.disconnect();
    };
  }
  let last = '0-0';
  for (let i = 0; i < rounds; i++) {
    const finished = new Promise<void>((resolve) => (completed = resolve));
    const seen = reader.xread('BLOCK', 10_000, 'STREAMS', doneKey, last).then((reply) => {
      const at = performance.now();
      const entry = reply?.[0]?.[1].at(-1);
      if (!entry) throw new Error(`job ${i} was not processed within 10 s`);
      last = entry[0];
      return at;
    });
    const t0 = performance.now();
    await queue.add('job', {}, { jobId: `job-${i}`, removeOnComplete: true });
    samples.push((await seen) - t0);
    await finished;
  }
  await stop();
  await queue.close();
  connection.disconnect();
  reader.disconnect();
  return samples;
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const replica = values.replica
    ? await new RedisServer({ config: [`replicaof 127.0.0.1 ${redisServer.port}`] }).start()
    : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'komputer-bench-'));
  let stopStack = async () => undefined as void;
  const redis = new Redis(redisServer.url);
  try {
    const stack = await startBenchStack(
      redisServer.url,
      dataDir,
      replica ? { KOMPUTER_REDIS_WAIT_REPLICAS: '1' } : {},
    );
    stopStack = stack.stop;
    const { scheduler, api, apiKey } = stack;

    /** Runs one task; returns the time from POST to task_started, in ms. */
    const dispatch = async (name: string, instructions: string): Promise<number> => {
      const key = `komputer:default:events:${name}`;
      const last = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
      // The reader blocks on the stream before the POST, as a client watching the agent would:
      // it sees task_started the moment the event is written.
      const events = followEvents(redis, key, {
        after: last[0]?.[0] ?? '0-0',
        until: (e) => e.type === 'task_completed',
        timeoutMs: 30_000,
      });
      const t0 = performance.now();
      const { status, body } = await post(`${api}/agents`, { name, instructions }, { apiKey });
      if (status !== 201) throw new Error(`POST /agents answered ${status}: ${body}`);
      const { taskId } = JSON.parse(body) as { taskId: string };
      const started = (await events).find((e) => e.taskId === taskId && e.type === 'task_started');
      if (!started) throw new Error(`task ${taskId} completed without task_started`);
      return started.receivedAt - t0;
    };

    const progress = (what: string) => process.stderr.write(`${what}…\n`);
    progress('baselines');
    const baseApart = await baseline(redisServer.url, warmTasks, true);
    const base = await baseline(redisServer.url, warmTasks, false);
    progress('cold agents');
    const cold: number[] = [];
    for (let i = 0; i < coldTasks; i++) cold.push(await dispatch(`cold-${i}`, 'hello'));
    progress('warm agent');
    await dispatch('warm', 'warm up');
    const warm: number[] = [];
    for (let i = 0; i < warmTasks; i++) warm.push(await dispatch('warm', `task ${i}`));
    const runtime = childIn(scheduler.pid, join(dataDir, 'workspaces', 'default', 'warm'));
    const busyRss = rssMb(runtime);
    // V8 gives memory back once a process has been idle for a few seconds.
    progress(`idle for ${IDLE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idleRss = rssMb(runtime);

    // Event latency: every event of each streamed task, from its runtime's timestamp to a
    // WebSocket client of the gateway (the relay's path), tasks one after another.
    progress('event baselines');
    const eventBase = await stampedBaseline(redisServer.url, EVENT_BASELINE_ROUNDS);
    const eventBaseWait = replica
      ? await stampedBaseline(redisServer.url, EVENT_BASELINE_ROUNDS, 1)
      : undefined;
    progress(`${streamedTasks} streamed tasks on the warm agent`);
    const watcher = await Watcher.open(
      `${api.replace(/^http/, 'ws')}/agents/warm/ws`,
      apiKey,
      30_000,
    );
    const latency: number[] = [];
    const byType: Record<string, number[]> = {};
    for (let i = 0; i < streamedTasks; i++) {
      const { status, body } = await post(
        `${api}/agents`,
        { name: 'warm', instructions: `stream ${STREAM_BLOCKS} ${STREAM_DELAY_MS}` },
        { apiKey },
      );
      if (status !== 201) throw new Error(`POST /agents answered ${status}: ${body}`);
      const { taskId } = JSON.parse(body) as { taskId: string };
      await watcher.until(() => watcher.has(taskId, 'task_completed'), `${taskId} to complete`);
      for (const { event, at } of watcher.of(taskId)) {
        const ms = at - Date.parse(event.timestamp);
        latency.push(ms);
        (byType[event.type] ??= []).push(ms);
      }
    }
    watcher.close();

    const row = (label: string, samples: number[], target: string) =>
      `${label.padEnd(40)}${percentile(samples, 0.5).toFixed(2).padStart(9)}${percentile(samples, 0.99).toFixed(2).padStart(9)}   ${target}\n`;
    const ratio = (of: number[]) => (percentile(warm, 0.5) / percentile(of, 0.5)).toFixed(2);
    process.stdout.write(
      `${warmTasks} warm tasks, ${coldTasks} cold tasks, one at a time` +
        `${replica ? '; every claim, start and event waits for a replica (WAIT)' : ''}\n\n` +
        `${'measure'.padEnd(40)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}   target\n` +
        row('baseline: BullMQ add → XREAD, apart', baseApart, '') +
        row('baseline: BullMQ add → XREAD, 1 proc', base, '') +
        row('warm agent: POST → task_started', warm, 'p50 ≤ 15, p99 ≤ 50, ≤ 3× baseline') +
        row('cold agent: POST → task_started', cold, 'p50 ≤ 500') +
        `\nwarm p50 ÷ baseline p50: ${ratio(baseApart)}× (worker apart), ` +
        `${ratio(base)}× (worker in the producer's process)\n` +
        `\nevent latency, ${streamedTasks} tasks of ${latency.length / streamedTasks} events ` +
        `(${STREAM_BLOCKS} text blocks, ${STREAM_DELAY_MS} ms between SSE events), emit → WebSocket\n` +
        row('baseline: XADD → XREAD, ISO-stamped', eventBase, '') +
        (eventBaseWait ? row('baseline: XADD, WAIT 1 → XREAD', eventBaseWait, '') : '') +
        row('every event', latency, '') +
        Object.entries(byType)
          .map(([type, samples]) => row(`  ${type}`, samples, ''))
          .join('') +
        `\nruntime RSS: ${busyRss.toFixed(1)} MB right after the last task, ` +
        `${idleRss.toFixed(1)} MB after ${IDLE_MS / 1000} s idle (target for idle ≤ 80 MB)\n`,
    );
  } finally {
    redis.disconnect();
    await stopStack();
    await replica?.stop({ removeData: true });
    await redisServer.stop({ removeData: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
