// Scale: 1,000 agents created through the API, then 100 tasks at once on the local driver, first
// on agents whose runtimes must start (cold), then on the same agents again (warm), with the
// model streaming slowly enough that all 100 tasks overlap.
// Measured: the time to create the 1,000 agents, POST → task_started, the event latency from the
// emitter's timestamp to a WebSocket client, the scheduler's and the runtimes' RSS, how many
// tasks ran at once, and whether every event stored reached its client, once and in order.
// Baseline, measured in the same run and stamped the same way: a bare XADD → XREAD BLOCK round
// trip, once on the idle machine and once beside the 100 tasks.
// The services run each in a process of its own, as in bench:dispatch.
// Usage: npm run bench:scale -- [--agents 1000] [--tasks 100] [--blocks 5] [--delay-ms 60]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import { percentile, rssMb } from './lib/measure';
import { authorization, post, startBenchStack } from './lib/services';
import { epochNow, stampedBaseline, Watcher } from './lib/watch';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    tasks: { type: 'string', default: '100' },
    blocks: { type: 'string', default: '5' },
    'delay-ms': { type: 'string', default: '60' },
  },
});
const AGENTS = Number(values.agents);
const TASKS = Number(values.tasks);
const BLOCKS = Number(values.blocks);
const DELAY_MS = Number(values['delay-ms']);
/** POSTs in flight while the agents are created, as a busy integrator would send them. */
const CREATE_CONCURRENCY = 50;
/** How long a phase may take before the benchmark gives up. */
const PHASE_TIMEOUT_MS = 900_000;
/** Baseline round trips, each phase. */
const BASELINE_ROUNDS = 2_000;

const progress = (what: string) => process.stderr.write(`${what}…\n`);

/** Figures of one round of tasks at once. */
interface Round {
  dispatch: number[];
  /** POST → its 201. */
  answered: number[];
  /** POST → the time stamped on task_started. */
  stamped: number[];
  latency: number[];
  /** The latency by event type. */
  byType: Record<string, number[]>;
  /** The most tasks that were between task_started and task_completed at one moment. */
  overlap: number;
  lost: number;
  duplicated: number;
  failed: number;
  schedulerRss: number;
  runtimesRss: number;
  runtimes: number;
  seconds: number;
}

/** The processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .split(' ')
    .map(Number)
    .filter((p) => p > 0);
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'komputer-bench-scale-'));
  let stopStack = async () => undefined as void;
  const redis = new Redis(redisServer.url);
  const many = new http.Agent({ keepAlive: true, maxSockets: Math.max(TASKS, CREATE_CONCURRENCY) });
  try {
    const stack = await startBenchStack(redisServer.url, dataDir, {
      KOMPUTER_SCHEDULER_CONCURRENCY: String(TASKS + 28),
    });
    stopStack = stack.stop;
    const { scheduler, api, apiKey } = stack;
    const wsApi = api.replace(/^http/, 'ws');

    progress('baseline, idle');
    const idleBaseline = await stampedBaseline(redisServer.url, BASELINE_ROUNDS);

    // Every agent's first task ends with task_completed on the namespace's stream of all agents,
    // opened before the first agent exists.
    progress(`creating ${AGENTS} agents`);
    const all = await Watcher.open(`${wsApi}/events/ws?match=s-*`, apiKey, PHASE_TIMEOUT_MS);
    const completed = new Set<string>();
    let seen = 0;
    const everyFirstTask = all.until(() => {
      for (const { event } of all.events.slice(seen)) {
        if (event.type === 'task_completed') completed.add(event.agentName);
        if (event.type === 'error')
          throw new Error(`${event.agentName}: ${JSON.stringify(event.payload)}`);
      }
      seen = all.events.length;
      return completed.size === AGENTS;
    }, 'every first task to complete');
    const createStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATE_CONCURRENCY }, async () => {
        while (next < AGENTS) {
          const name = `s-${next++}`;
          const answer = await post(
            `${api}/agents`,
            { name, instructions: 'hello', lifecycle: 'Sleep' },
            { apiKey, agent: many },
          );
          if (answer.status !== 201)
            throw new Error(`POST ${name}: ${answer.status} ${answer.body}`);
        }
      }),
    );
    const createSeconds = (performance.now() - createStart) / 1000;
    await everyFirstTask;
    const firstTasksSeconds = (performance.now() - createStart) / 1000;
    all.close();

    // The agents that take the tasks keep their runtimes from now on.
    const names = Array.from({ length: TASKS }, (_, i) => `s-${Math.floor((i * AGENTS) / TASKS)}`);
    for (const name of names) {
      const res = await fetch(`${api}/agents/${name}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...authorization(apiKey) },
        body: JSON.stringify({ lifecycle: '' }),
      });
      if (!res.ok) throw new Error(`PATCH ${name}: ${res.status} ${await res.text()}`);
    }

    const round = async (label: string): Promise<Round> => {
      progress(`${TASKS} tasks at once, ${label}`);
      const watchers = await Promise.all(
        names.map((name) => Watcher.open(`${wsApi}/agents/${name}/ws`, apiKey, PHASE_TIMEOUT_MS)),
      );
      const start = performance.now();
      const sent = await Promise.all(
        names.map(async (name) => {
          const t0 = epochNow();
          const answer = await post(
            `${api}/agents`,
            { name, instructions: `stream ${BLOCKS} ${DELAY_MS}` },
            { apiKey, agent: many },
          );
          if (answer.status !== 201)
            throw new Error(`POST ${name}: ${answer.status} ${answer.body}`);
          return {
            t0,
            answered: epochNow(),
            taskId: (JSON.parse(answer.body) as { taskId: string }).taskId,
          };
        }),
      );
      // Memory is read while every task is under way: after the last task_started arrived.
      await Promise.all(
        sent.map(({ taskId }, i) => {
          const watcher = watchers[i] as Watcher;
          return watcher.until(() => watcher.has(taskId, 'task_started'), `${taskId} to start`);
        }),
      );
      const runtimes = childrenOf(scheduler.pid);
      const runtimesRss = runtimes.reduce((sum, pid) => sum + rssMb(pid), 0);
      const schedulerRss = rssMb(scheduler.pid);
      const tasks = await Promise.all(
        sent.map(async ({ taskId }, i) => {
          const watcher = watchers[i] as Watcher;
          await watcher.until(() => watcher.has(taskId, 'task_completed'), `${taskId} to complete`);
          return watcher.of(taskId);
        }),
      );
      const seconds = (performance.now() - start) / 1000;

      const figures: Round = {
        dispatch: [],
        answered: [],
        stamped: [],
        latency: [],
        byType: {},
        overlap: 0,
        lost: 0,
        duplicated: 0,
        failed: 0,
        schedulerRss,
        runtimesRss,
        runtimes: runtimes.length,
        seconds,
      };
      const edges: [number, number][] = [];
      for (const [i, received] of tasks.entries()) {
        const { t0, answered, taskId } = sent[i] as (typeof sent)[number];
        const name = names[i] as string;
        const first = received.find((e) => e.event.type === 'task_started');
        const last = received.find((e) => e.event.type === 'task_completed');
        if (!first || !last) throw new Error(`${name}: task ${taskId} has no start or end`);
        figures.dispatch.push(first.at - t0);
        figures.answered.push(answered - t0);
        figures.stamped.push(Date.parse(first.event.timestamp) - t0);
        edges.push([first.at, 1], [last.at, -1]);
        for (const { event, at } of received) {
          const latency = at - Date.parse(event.timestamp);
          figures.latency.push(latency);
          (figures.byType[event.type] ??= []).push(latency);
        }
        // Every event that the stream holds for the task, text_delta aside (the client did not
        // ask for them), reached the client once, in order.
        const stored = (await redis.xrange(`komputer:default:events:${name}`, '-', '+'))
          .filter(([, fields]) => fields[fields.indexOf('taskId') + 1] === taskId)
          .filter(([, fields]) => fields[fields.indexOf('type') + 1] !== 'text_delta')
          .map(([id]) => id);
        const got = received.map((e) => e.event.id);
        figures.lost += stored.filter((id) => !got.includes(id)).length;
        figures.duplicated += got.length - new Set(got).size;
        const texts = received.filter((e) => e.event.type === 'text').length;
        if (texts !== BLOCKS || got.join() !== stored.join()) figures.failed += 1;
      }
      let running = 0;
      for (const [, step] of edges.sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
        running += step;
        figures.overlap = Math.max(figures.overlap, running);
      }
      for (const watcher of watchers) watcher.close();
      return figures;
    };

    const cold = await round('cold: every runtime starts');
    progress('baseline beside the next round');
    const loadedBaseline = stampedBaseline(redisServer.url, BASELINE_ROUNDS);
    const warm = await round('warm: every runtime is up');
    const underLoad = await loadedBaseline;

    const ms = (samples: number[], q: number) => percentile(samples, q).toFixed(1).padStart(9);
    const row = (label: string, samples: number[], target = '') =>
      `${label.padEnd(44)}${ms(samples, 0.5)}${ms(samples, 0.99)}   ${target}\n`;
    const eventTarget = (p99Base: number) => 3 * p99Base + 5;
    const summary = (label: string, r: Round) =>
      `${label}: ${TASKS} tasks in ${r.seconds.toFixed(1)} s, at most ${r.overlap} at once; ` +
      `${r.lost} events lost, ${r.duplicated} duplicated, ${r.failed} tasks not as expected; ` +
      `scheduler ${r.schedulerRss.toFixed(0)} MB, ${r.runtimes} runtimes ${r.runtimesRss.toFixed(0)} MB\n`;
    process.stdout.write(
      `${AGENTS} agents, then ${TASKS} tasks at once (${BLOCKS} text blocks, ${DELAY_MS} ms between SSE events)\n` +
        `created ${AGENTS} agents in ${createSeconds.toFixed(1)} s (${CREATE_CONCURRENCY} POSTs in flight); ` +
        `their first tasks (cold, Sleep) all completed after ${firstTasksSeconds.toFixed(1)} s\n\n` +
        `${'measure'.padEnd(44)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}   target\n` +
        row('baseline XADD → XREAD, idle', idleBaseline) +
        row('baseline XADD → XREAD, beside warm round', underLoad) +
        row('cold: POST → task_started', cold.dispatch) +
        row('cold: event emit → WebSocket', cold.latency) +
        row('warm: POST → 201', warm.answered) +
        row('warm: POST → task_started stamped', warm.stamped) +
        row('warm: POST → task_started', warm.dispatch, 'p99 ≤ 100') +
        row(
          'warm: event emit → WebSocket',
          warm.latency,
          `p99 ≤ 3 × idle baseline p99 + 5 = ${eventTarget(percentile(idleBaseline, 0.99)).toFixed(1)}`,
        ) +
        `\n${summary('cold', cold)}${summary('warm', warm)}` +
        `warm event latency by type, p50/p99 ms: ${Object.entries(warm.byType)
          .map(
            ([type, samples]) => `${type} ${ms(samples, 0.5).trim()}/${ms(samples, 0.99).trim()}`,
          )
          .join(', ')}\n`,
    );
  } finally {
    redis.disconnect();
    many.destroy();
    await stopStack();
    await redisServer.stop({ removeData: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
