import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import {
  eventually,
  scrapeMetrics,
  SseClient,
  startMcpTestServer,
  startRedisServer,
  startScriptedAnthropic,
  startServiceProcess,
  taskEvents,
  text,
  toolUse,
} from '@komputer/testing';
import type {
  McpTestServer,
  PrometheusScrape,
  RedisServer,
  ScriptedAnthropic,
  ServiceProcess,
} from '@komputer/testing';
import { Redis } from 'ioredis';

// Every app from its bundle, in a process of its own as deployed, each scraped at its own
// /metrics: the families exist on the app that owns them, and they move when a task runs.

const root = join(__dirname, '..', '..', '..');
const bundle = (app: string) => join(root, 'dist', 'apps', app, 'main.js');

let redisServer: RedisServer;
let redis: Redis;
let model: ScriptedAnthropic;
let mcp: McpTestServer;
let dataDir: string;
const apps: Record<'registry' | 'scheduler' | 'gateway' | 'relay', ServiceProcess> = {} as never;

const explain = () =>
  Object.values(apps)
    .map((p) => p.output().split('\n').slice(-15).join('\n'))
    .join('\n');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${apps.gateway.url}/api/v1${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

/** How long each app may take to start: four start at once, on a machine that may be busy. */
const START_TIMEOUT_MS = 45_000;

const scrape = (app: keyof typeof apps) => scrapeMetrics(`${apps[app].url}/metrics`);

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url);
  model = await startScriptedAnthropic();
  mcp = await startMcpTestServer();
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-metrics-e2e-'));
  const common = {
    ...process.env,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
  };
  const [registry, relay] = await Promise.all([
    startServiceProcess({
      entry: bundle('connector-registry'),
      env: common,
      listening: 'connector-registry listening',
      timeoutMs: START_TIMEOUT_MS,
    }),
    startServiceProcess({
      entry: bundle('event-relay'),
      env: common,
      listening: 'event-relay listening',
      timeoutMs: START_TIMEOUT_MS,
    }),
  ]);
  apps.registry = registry;
  apps.relay = relay;
  const [scheduler, gateway] = await Promise.all([
    startServiceProcess({
      entry: bundle('agent-scheduler'),
      env: {
        ...common,
        KOMPUTER_DATA_DIR: dataDir,
        KOMPUTER_CONNECTOR_REGISTRY_URL: registry.url,
        KOMPUTER_RECONCILE_GRACE_MS: '600000',
        KOMPUTER_RUNTIME_SPARE: 'false',
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: model.url,
      },
      // Its status port: probes and /metrics.
      listening: 'scheduler taking tasks',
      timeoutMs: START_TIMEOUT_MS,
    }),
    startServiceProcess({
      entry: bundle('gateway'),
      env: { ...common, KOMPUTER_REGISTRY_URL: registry.url },
      listening: 'gateway listening',
      timeoutMs: START_TIMEOUT_MS,
    }),
  ]);
  apps.scheduler = scheduler;
  apps.gateway = gateway;
  const connector = await call('POST', '/connectors', {
    name: 'echo',
    service: 'echo',
    type: 'remote',
    url: mcp.url,
  });
  expect(connector).toMatchObject({ status: 201 });
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(apps).map((p) => p?.stop()));
  redis?.disconnect();
  await mcp?.close();
  await model?.close();
  await redisServer?.stop({ removeData: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The families each app must serve, with their types. */
const FAMILIES: Record<keyof typeof apps, Record<string, string>> = {
  gateway: {},
  relay: {
    komputer_relay_clients: 'gauge',
    komputer_relay_streams: 'gauge',
    komputer_relay_event_lag_seconds: 'histogram',
  },
  registry: {
    komputer_connector_tool_calls_total: 'counter',
    komputer_connector_tool_call_duration_seconds: 'histogram',
  },
  scheduler: {
    komputer_queue_jobs: 'gauge',
    komputer_queue_wait_seconds: 'histogram',
    komputer_tasks_finished_total: 'counter',
    komputer_task_duration_seconds: 'histogram',
    komputer_tasks_running: 'gauge',
    komputer_runtimes: 'gauge',
    komputer_model_tokens_total: 'counter',
    komputer_model_cost_usd_total: 'counter',
    komputer_events_written_total: 'counter',
  },
};

/** Every app's: HTTP requests, Redis command errors, and the process's own. */
const EVERY_APP = {
  komputer_http_request_duration_seconds: 'histogram',
  komputer_redis_command_errors_total: 'counter',
  process_cpu_user_seconds_total: 'counter',
  nodejs_eventloop_lag_seconds: 'gauge',
};

function typesOf(scrape: PrometheusScrape, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, scrape.families.get(name)?.type]));
}

it('serves each family on the app that owns it', async () => {
  for (const app of Object.keys(apps) as (keyof typeof apps)[]) {
    const expected = { ...EVERY_APP, ...FAMILIES[app] };
    const scraped = await scrape(app);
    expect({ app, types: typesOf(scraped, Object.keys(expected)) }).toEqual({
      app,
      types: expected,
    });
  }
  // The scheduler's queue depth, by state, from the queue itself.
  const scheduler = await scrape('scheduler');
  const states = scheduler.families.get('komputer_queue_jobs')?.samples.map((s) => s.labels);
  expect(states).toEqual(
    expect.arrayContaining([{ state: 'waiting' }, { state: 'delayed' }, { state: 'active' }]),
  );
});

it('moves the families when tasks run', async () => {
  const before = {
    gateway: await scrape('gateway'),
    relay: await scrape('relay'),
    registry: await scrape('registry'),
    scheduler: await scrape('scheduler'),
  };

  // A first task makes the agent; a relay client follows it from there, live.
  model.script({ content: [text('Ready.')] });
  const first = await call('POST', '/agents', {
    name: 'metered',
    instructions: 'Get ready.',
    connectors: ['echo'],
  });
  expect(first.status).toBe(201);
  const firstEvents = await taskEvents(
    redis,
    'komputer:default:events:metered',
    first.body.taskId,
    { timeoutMs: 30_000, explain },
  );
  const client = await SseClient.open(
    `${apps.relay.url}/api/v1/agents/metered/events/stream?after=${firstEvents.at(-1)?.id}`,
  );
  expect(client.status).toBe(200);
  const during = await scrape('relay');
  expect(during.value('komputer_relay_clients')).toBe(1);
  expect(during.value('komputer_relay_streams')).toBe(1);

  // The second calls the connector's tool through the registry.
  model.script(
    { content: [toolUse('mcp__echo__echo', { text: 'metered call' }, 'call')] },
    { content: [text('Done.')] },
  );
  const second = await call('POST', '/agents', { name: 'metered', instructions: 'Call it.' });
  expect(second.status).toBe(201);
  await client.until(
    (c) => c.events.some((e) => e.taskId === second.body.taskId && e.type === 'task_completed'),
    30_000,
  );
  const relayed = client.events.length;
  client.close();
  await client.done;
  expect(mcp.calls).toEqual(['metered call']);

  const after = {
    gateway: await scrape('gateway'),
    relay: await scrape('relay'),
    registry: await scrape('registry'),
    scheduler: await scrape('scheduler'),
  };
  const moved = (app: keyof typeof after, name: string, labels: Record<string, string> = {}) =>
    after[app].value(name, labels) - before[app].value(name, labels);

  // HTTP requests, by route template: the two POSTs, and the SSE stream once it closed.
  const requests = 'komputer_http_request_duration_seconds_count';
  expect(
    moved('gateway', requests, { route: '/api/v1/agents', method: 'POST', status: '201' }),
  ).toBe(2);
  const streamRoute = { route: '/api/v1/agents/:name/events/stream', method: 'GET' };
  // Counted when the relay sees the stream close, which it announces nowhere else.
  await eventually(
    async () => (await scrape('relay')).value(requests, streamRoute) === 1,
    'the closed event stream counted once by its route',
    10_000,
    100,
  );

  // The scheduler: both tasks waited in the queue, ran, completed and were timed.
  expect(moved('scheduler', 'komputer_queue_wait_seconds_count')).toBe(2);
  expect(moved('scheduler', 'komputer_tasks_finished_total', { outcome: 'completed' })).toBe(2);
  expect(moved('scheduler', 'komputer_task_duration_seconds_count', { outcome: 'completed' })).toBe(
    2,
  );
  expect(moved('scheduler', 'komputer_events_written_total', { type: 'task_completed' })).toBe(2);
  expect(moved('scheduler', 'komputer_events_written_total', { type: 'task_started' })).toBe(2);
  expect(moved('scheduler', 'komputer_events_written_total', { type: 'tool_call' })).toBe(1);
  const sonnet = { model: 'claude-sonnet-4-6' };
  expect(
    moved('scheduler', 'komputer_model_tokens_total', { ...sonnet, kind: 'input' }),
  ).toBeGreaterThan(0);
  expect(
    moved('scheduler', 'komputer_model_tokens_total', { ...sonnet, kind: 'output' }),
  ).toBeGreaterThan(0);
  expect(moved('scheduler', 'komputer_model_cost_usd_total', sonnet)).toBeGreaterThan(0);
  // The agent's runtime stays up, idle, for its next task.
  expect(after.scheduler.value('komputer_runtimes', { state: 'idle' })).toBe(1);
  expect(after.scheduler.value('komputer_runtimes', { state: 'busy' })).toBe(0);
  expect(after.scheduler.value('komputer_tasks_running')).toBe(0);

  // The registry: the tool call, by connector and outcome.
  expect(
    moved('registry', 'komputer_connector_tool_calls_total', { connector: 'echo', outcome: 'ok' }),
  ).toBe(1);
  expect(
    moved('registry', 'komputer_connector_tool_call_duration_seconds_count', { connector: 'echo' }),
  ).toBe(1);

  // The relay: every event it sent live was read live, and its lag observed.
  expect(moved('relay', 'komputer_relay_event_lag_seconds_count')).toBeGreaterThanOrEqual(relayed);
  expect(after.relay.value('komputer_relay_clients')).toBe(0);
}, 90_000);

/** The metric names a PromQL expression reads: what is left once its syntax is taken out. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1] ?? '');
}

it('has the Grafana dashboard chart every family, and only metrics that the apps serve', async () => {
  const dashboard = JSON.parse(
    readFileSync(join(root, 'deploy', 'grafana-dashboard.json'), 'utf8'),
  ) as { panels: { title: string; targets: { expr: string }[] }[] };
  const scrapes = await Promise.all((Object.keys(apps) as (keyof typeof apps)[]).map(scrape));
  const served = (name: string) => scrapes.some((s) => s.familyOf(name) !== undefined);
  const charted = new Set<string>();
  for (const panel of dashboard.panels) {
    expect(panel.targets.length).toBeGreaterThan(0);
    for (const { expr } of panel.targets) {
      const names = metricsIn(expr);
      expect({ expr, names: names.length > 0 }).toEqual({ expr, names: true });
      for (const name of names) {
        expect({ panel: panel.title, name, served: served(name) }).toEqual({
          panel: panel.title,
          name,
          served: true,
        });
        charted.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
  }
  const families = Object.values(FAMILIES).flatMap((f) => Object.keys(f));
  for (const family of [...families, 'komputer_http_request_duration_seconds']) {
    expect({ family, charted: charted.has(family) }).toEqual({ family, charted: true });
  }
  expect(charted.has('komputer_redis_command_errors_total')).toBe(true);
});
