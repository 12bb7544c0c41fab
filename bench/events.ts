// The event relay under load: producers XADD to agents' streams, WebSocket clients receive.
// The relay runs in its own process (dist/apps/event-relay/main.js), so that the load generator
// and the clients, which run here, do not share its event loop.
// Baselines, measured in the same run: a bare XADD → XREAD BLOCK round trip at the same rate,
// and a bare `ws` broadcast server (also in its own process).
// Usage: npm run bench:events -- [--seconds 10] [--duration 60]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createKeys } from '@komputer/store';
import { findFreePort, startRedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { percentile, rssMb } from './lib/measure';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    duration: { type: 'string', default: '60' },
  },
});
const SECONDS = Number(values.seconds);
const STALL_SECONDS = Number(values.duration);
const keys = createKeys('komputer');

const progress = (what: string) => process.stderr.write(`${what}…\n`);
const until = async (check: () => boolean, timeoutMs: number, what: string) => {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** A payload the size of a typical `text` event, stamped with when it was sent. */
const stamp = () => ({ content: `${performance.now()} ${'x'.repeat(120)}` });
/** The stamp, read straight from the JSON text: both sides measure at the same small cost. */
const sentAt = (json: string) => {
  const at = json.indexOf('"content":"') + 11;
  return Number(json.slice(at, json.indexOf(' ', at)));
};
/** Seconds of load before measuring, so that both processes are warmed up. */
const WARM_UP_SECONDS = 2;

/**
 * Appends to `streams` at `rate` events/s for `seconds`, in ticks of 5 ms (each one pipeline),
 * or, when `rate` is Infinity, in pipelines of 500 back to back while `room()` allows.
 */
async function produce(
  redis: Redis,
  streams: string[],
  rate: number,
  seconds: number,
  room: (sent: number) => boolean = () => true,
): Promise<number> {
  const start = performance.now();
  let sent = 0;
  let next = 0;
  for (;;) {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= seconds) return sent;
    const due = Number.isFinite(rate) ? Math.floor(rate * elapsed) - sent : room(sent) ? 500 : 0;
    if (due > 0) {
      const pipeline = redis.pipeline();
      for (let i = 0; i < due; i++) {
        const key = streams[next++ % streams.length] as string;
        const event = { type: 'text', taskId: 't', ts: new Date().toISOString() };
        pipeline.xadd(
          key,
          'MAXLEN',
          '~',
          10_000,
          '*',
          ...Object.entries(event).flat(),
          'payload',
          JSON.stringify(stamp()),
        );
      }
      await pipeline.exec();
      sent += due;
    }
    if (Number.isFinite(rate) || due === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The relay in a child process. */
async function startRelay(
  redisUrl: string,
): Promise<{ child: ChildProcess; ws: string; closes: number[] }> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [join(__dirname, '..', 'apps', 'event-relay', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The close codes the relay logs, to tell a slow consumer's cut from other closes.
  const closes: number[] = [];
  createInterface({ input: child.stdout as Readable }).on('line', (line) => {
    const record = JSON.parse(line) as { msg?: string; code?: number; level?: number };
    if (record.msg === 'relay close' && record.code) closes.push(record.code);
    else if ((record.level ?? 0) >= 40) process.stderr.write(`${line}\n`);
  });
  const url = `http://127.0.0.1:${port}`;
  let ready = false;
  const deadline = performance.now() + 10_000;
  while (!ready) {
    if (performance.now() > deadline) throw new Error('event-relay did not become ready');
    ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, ws: `ws://127.0.0.1:${port}/api/v1`, closes };
}

/** A client that counts what it receives and, when `latencies` is given, records each latency. */
async function client(
  url: string,
  latencies?: number[],
): Promise<{ ws: WebSocket; received: () => number }> {
  const ws = new WebSocket(url);
  let received = 0;
  ws.on('message', (data: Buffer) => {
    received += 1;
    if (latencies) latencies.push(performance.now() - sentAt(data.toString()));
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, received: () => received };
}

async function addAgents(redis: Redis, names: string[]): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (const name of names) {
    pipeline.hset(keys.agent('default', name), 'name', name, 'namespace', 'default');
    pipeline.sadd(keys.agents('default'), name);
  }
  await pipeline.exec();
  return names.map((name) => keys.events('default', name));
}

/** Bare XADD → XREAD BLOCK: one reader over every stream, at the same rate. */
async function redisBaseline(url: string, streams: string[], rate: number): Promise<number[]> {
  const producer = new Redis(url);
  const reader = new Redis(url);
  const latencies: number[] = [];
  const cursors = streams.map(() => '$');
  let running = true;
  const reading = (async () => {
    // Concrete ids from the first reply on, so that nothing between two reads is missed.
    const last = await Promise.all(streams.map((s) => producer.xrevrange(s, '+', '-', 'COUNT', 1)));
    last.forEach((entries, i) => (cursors[i] = entries[0]?.[0] ?? '0-0'));
    while (running) {
      const reply = await reader.xread(
        'COUNT',
        1000,
        'BLOCK',
        1000,
        'STREAMS',
        ...streams,
        ...cursors,
      );
      const now = performance.now();
      for (const [key, entries] of reply ?? []) {
        const at = streams.indexOf(key);
        for (const [id, fields] of entries) {
          cursors[at] = id;
          latencies.push(now - sentAt(fields[fields.indexOf('payload') + 1] ?? ''));
        }
      }
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await produce(producer, streams, rate, WARM_UP_SECONDS);
  latencies.length = 0;
  await produce(producer, streams, rate, SECONDS);
  running = false;
  await reading;
  producer.disconnect();
  reader.disconnect();
  return latencies;
}

/** A bare `ws` server in its own process that broadcasts `count` copies of one message. */
async function wsBaseline(clients: number, count: number, size: number): Promise<number> {
  const script = `
    const { WebSocketServer } = require('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' }, () => process.send(wss.address().port));
    process.on('message', async ({ count, size }) => {
      const data = Buffer.alloc(size, 'x');
      for (let i = 0; i < count; i++) {
        for (const c of wss.clients) c.send(data, { binary: false });
        if (i % 100 === 0) {
          while ([...wss.clients].some((c) => c.bufferedAmount > 1 << 20)) await new Promise((r) => setTimeout(r, 1));
        }
      }
    });`;
  const child = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (p) => resolve(Number(p))),
  );
  const all = await Promise.all(
    Array.from({ length: clients }, () => client(`ws://127.0.0.1:${port}`)),
  );
  const t0 = performance.now();
  child.send({ count, size });
  await until(() => all.every((c) => c.received() >= count), 120_000, 'ws baseline');
  const rate = (count * clients) / ((performance.now() - t0) / 1000);
  for (const c of all) c.ws.terminate();
  child.kill();
  return rate;
}

/** Relay throughput: the producer stays at most `lead` events ahead of the slowest client. */
async function relayThroughput(
  redis: Redis,
  ws: string,
  agent: string,
  clients: number,
): Promise<number> {
  const [stream] = await addAgents(redis, [agent]);
  const all = await Promise.all(
    Array.from({ length: clients }, () => client(`${ws}/agents/${agent}/ws`)),
  );
  const slowest = () => Math.min(...all.map((c) => c.received()));
  const t0 = performance.now();
  const total = await produce(
    redis,
    [stream as string],
    Infinity,
    SECONDS,
    (sent) => sent - slowest() < 5_000,
  );
  await until(() => slowest() >= total, 30_000, 'relay throughput drain');
  const rate = (total * clients) / ((performance.now() - t0) / 1000);
  for (const c of all) c.ws.terminate();
  return rate;
}

async function main(): Promise<void> {
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url);
  const relay = await startRelay(redisServer.url);
  const pid = relay.child.pid as number;
  const out: string[] = [];
  try {
    // 1. Latency at 5,000 events/s across 100 agents, 100 clients (one per agent).
    progress('baseline: XADD → XREAD BLOCK');
    const names = Array.from({ length: 100 }, (_, i) => `agent-${i}`);
    const streams = await addAgents(redis, names);
    const base = await redisBaseline(redisServer.url, streams, 5_000);
    progress('relay: 5,000 events/s, 100 agents, 100 clients');
    const latencies: number[] = [];
    const clients = await Promise.all(
      names.map((n) => client(`${relay.ws}/agents/${n}/ws`, latencies)),
    );
    const sent = await produce(redis, streams, 5_000, SECONDS);
    await until(() => latencies.length >= sent, 30_000, 'latency deliveries');
    for (const c of clients) c.ws.terminate();
    const p99Target = 2 * percentile(base, 0.99) + 2;

    // 2 and 3. Throughput to one client, and to 50 clients on one stream.
    progress('bare ws broadcast: 1 client and 50 clients');
    const eventBytes = 330;
    const wsOne = await wsBaseline(1, 200_000, eventBytes);
    const wsFifty = await wsBaseline(50, 10_000, eventBytes);
    progress('relay: one client, as fast as it takes');
    const one = await relayThroughput(redis, relay.ws, 'solo', 1);
    progress('relay: 50 clients on one stream');
    const fifty = await relayThroughput(redis, relay.ws, 'crowd', 50);

    // 4. Memory with a stalled client: one that stops reading; each time the relay cuts it off
    // at its bound, another takes its place, so that one is stalled all along.
    progress(`relay: ${STALL_SECONDS} s with a stalled client`);
    const [stalledStream] = await addAgents(redis, ['stalled']);
    const stall = async () => {
      const stalledClient = await client(`${relay.ws}/agents/stalled/ws`);
      stalledClient.ws.pause();
      return stalledClient;
    };
    let stalled = await stall();
    let cuts = 0;
    const replacing = setInterval(() => {
      const seen = relay.closes.filter((code) => code === 4429).length;
      if (seen === cuts) return;
      cuts = seen;
      stalled.ws.terminate();
      void stall().then((next) => (stalled = next));
    }, 250);
    const healthy = await client(`${relay.ws}/agents/stalled/ws`);
    const samples: number[] = [];
    const sampling = setInterval(() => samples.push(rssMb(pid)), 1000);
    const stalledSent = await produce(redis, [stalledStream as string], 2_000, STALL_SECONDS);
    clearInterval(sampling);
    await until(() => healthy.received() >= stalledSent, 30_000, 'healthy client');
    clearInterval(replacing);
    healthy.ws.terminate();
    stalled.ws.terminate();
    const steady = samples.slice(Math.min(5, Math.floor(samples.length / 4)));
    const median = percentile(steady, 0.5);
    const swing = Math.max(...steady.map((s) => Math.abs(s - median) / median)) * 100;

    const row = (label: string, value: string, target: string) =>
      `${label.padEnd(52)}${value.padStart(16)}   ${target}\n`;
    out.push(
      `\n${row('measure', 'value', 'target')}` +
        row(
          'baseline XADD → XREAD BLOCK p50 / p99 ms',
          `${percentile(base, 0.5).toFixed(2)} / ${percentile(base, 0.99).toFixed(2)}`,
          '',
        ) +
        row(
          'relay, 5k ev/s, 100 agents, 100 clients p50 / p99 ms',
          `${percentile(latencies, 0.5).toFixed(2)} / ${percentile(latencies, 0.99).toFixed(2)}`,
          `p99 ≤ ${p99Target.toFixed(2)} (2× baseline + 2 ms)`,
        ) +
        row(
          '  p99 ÷ baseline p99',
          `${(percentile(latencies, 0.99) / percentile(base, 0.99)).toFixed(2)}×`,
          '',
        ) +
        row('bare ws broadcast, 1 client, msgs/s', wsOne.toFixed(0), '') +
        row('relay, 1 client, events/s', one.toFixed(0), '≥ 20,000') +
        row('  ÷ bare ws', `${(one / wsOne).toFixed(2)}×`, '') +
        row('bare ws broadcast, 50 clients, deliveries/s', wsFifty.toFixed(0), '') +
        row('relay, 50 clients on one stream, deliveries/s', fifty.toFixed(0), '≥ 100,000') +
        row('  ÷ bare ws', `${(fifty / wsFifty).toFixed(2)}×`, '') +
        row(
          `relay RSS over ${STALL_SECONDS} s with a stalled client, MB`,
          `${Math.min(...steady).toFixed(1)}–${Math.max(...steady).toFixed(1)}`,
          'flat, ±20%',
        ) +
        row('  largest swing from the median', `${swing.toFixed(1)}%`, '') +
        row('  stalled clients cut off at their bound (4429)', String(cuts), '≥ 1'),
    );
  } finally {
    redis.disconnect();
    relay.child.kill('SIGTERM');
    await new Promise((resolve) => relay.child.once('exit', resolve));
    await redisServer.stop({ removeData: true });
  }
  process.stdout.write(out.join(''));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
