// What the benchmarks share: the services, each started in a process of its own as it is
// deployed, and a lean HTTP client.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** How long a service may take to report that it is up. */
const START_TIMEOUT_MS = 20_000;

/** A service in a process of its own. */
export interface Service {
  pid: number;
  /** What `ready` found in the service's output. */
  found: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `dist/<entry>` with `env` and waits until `ready` finds something in a line of its
 * stdout. Its output is read to the end, so that the service never blocks on a full pipe.
 */
export async function startService(
  entry: string,
  env: Record<string, string>,
  ready: (line: string) => string | undefined,
): Promise<Service> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    [join(__dirname, '..', entry)],
    { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const found = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const value = ready(line);
      if (value === undefined) return;
      clearTimeout(timer);
      resolve(value);
    });
    void exited.then(() => reject(new Error(`${entry} exited before it was ready`)));
  });
  return {
    pid: child.pid ?? 0,
    found,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Finds a pino line with message `msg`; returns its `field`, or '' when it has none. */
export const logLine = (msg: string, field?: string) => (line: string) => {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry['msg'] !== msg) return undefined;
    return field ? String(entry[field]) : '';
  } catch {
    return undefined;
  }
};

/** One kept-alive connection: requests go one at a time, as a sequential client sends them. */
const oneConnection = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** The headers that carry an API key, as a client of the API sends it. */
export const authorization = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

/**
 * POSTs JSON with node:http on a kept-alive connection (`agent`'s, else one of its own), with
 * `apiKey`: the benchmark measures the server's path, and a leaner client than fetch adds less
 * of its own time to it.
 */
export function post(
  url: string,
  json: unknown,
  { apiKey, agent = oneConnection }: { apiKey: string; agent?: http.Agent },
): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...authorization(apiKey),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The stack as deployed: the model, the scheduler and the gateway, each a process of its own. */
export interface BenchStack {
  model: Service;
  scheduler: Service;
  gateway: Service;
  /** The gateway's base URL. */
  api: string;
  /** An admin API key of every namespace, as a deployment's `KOMPUTER_ADMIN_KEY`. */
  apiKey: string;
  /** Stops the services that started, the last first. */
  stop(): Promise<void>;
}

/**
 * Starts `bench/model-server`, then the scheduler and the gateway against `redisUrl`, with their
 * data in `dataDir` and `env` on top of the defaults. API keys are on, as deployed: every request
 * carries the admin key, and the gateway checks it. If one fails to start, the ones before it are
 * stopped.
 */
export async function startBenchStack(
  redisUrl: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<BenchStack> {
  const started: Service[] = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
  };
  try {
    const model = await startService('bench/model-server.js', {}, (line) =>
      line.startsWith('http') ? line : undefined,
    );
    started.push(model);
    const apiKey = `kpt_bench_${randomBytes(32).toString('hex')}`;
    const settings = {
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      KOMPUTER_DATA_DIR: dataDir,
      ANTHROPIC_API_KEY: 'bench',
      ANTHROPIC_BASE_URL: model.found,
      KOMPUTER_SECRET_KEY: generateSecretKey(),
      KOMPUTER_ADMIN_KEY: apiKey,
      LOG_LEVEL: 'info',
      // The benchmarks measure the services, not the gateway's rate limit.
      KOMPUTER_RATE_LIMIT_PER_SECOND: '1000000',
      KOMPUTER_RATE_LIMIT_BURST: '1000000',
      ...env,
    };
    const scheduler = await startService(
      'apps/agent-scheduler/main.js',
      settings,
      logLine('scheduler taking tasks'),
    );
    started.push(scheduler);
    const gateway = await startService(
      'apps/gateway/main.js',
      settings,
      logLine('gateway listening', 'url'),
    );
    started.push(gateway);
    return { model, scheduler, gateway, api: gateway.found, apiKey, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
