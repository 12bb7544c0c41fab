// Gateway API latency and throughput, next to a bare Express route measured in the same run.
// Usage: npm run bench -- [--requests 2000] [--concurrency 16]
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { generateSecretKey } from '@komputer/connectors';
import { createGateway, GatewayConfigSchema } from '@komputer/gateway';
import { createLogger, parseConfig } from '@komputer/service-kit';
import { listenOnRandomPort, startRedisServer } from '@komputer/testing';
import express from 'express';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);

interface Result {
  name: string;
  p50: number;
  p99: number;
  perSecond: number;
}

/** Sends `requests` requests from `concurrency` closed-loop clients; `make(i)` builds request i. */
async function measure(
  name: string,
  make: (i: number) => { url: string; init: RequestInit; status: number },
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests; i = next++) {
        const { url, init, status } = make(i);
        const t0 = performance.now();
        const res = await fetch(url, init);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== status) throw new Error(`${name}: got ${res.status}, not ${status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { name, p50: at(0.5), p99: at(0.99), perSecond: requests / seconds };
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const silent = createLogger({ name: 'bench', level: 'silent' });

  // Baseline: the same framework and JSON parsing, with no validation and no Redis.
  const bare = express();
  bare.use(express.json());
  bare.post('/agents', (req, res) => {
    res.status(201).json({ ...req.body, taskId: 'x' });
  });
  bare.get('/agents/:name', (req, res) => {
    res.json({ name: req.params.name });
  });
  const bareServer = createServer(bare);
  const bareUrl = (await listenOnRandomPort(bareServer)).url;

  const config = parseConfig(GatewayConfigSchema, {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    // The routes against a bare Express one, as before keys existed.
    KOMPUTER_AUTH: 'off',
    // The benchmark measures the gateway, not its rate limit.
    KOMPUTER_RATE_LIMIT_PER_SECOND: '1000000',
    KOMPUTER_RATE_LIMIT_BURST: '1000000',
  });
  const gateway = createGateway(config, silent);
  const api = `${await gateway.listen()}/api/v1`;

  try {
    const body = (i: number) => ({ name: `bench-${i}`, instructions: 'benchmark task' });
    // Warm both servers up before measuring.
    await measure('warm-up', (i) => ({
      url: `${bareUrl}/agents`,
      init: json(body(i)),
      status: 201,
    }));
    const results = [
      await measure('bare Express POST', (i) => ({
        url: `${bareUrl}/agents`,
        init: json(body(i)),
        status: 201,
      })),
      await measure('POST /agents (new agent + job)', (i) => ({
        url: `${api}/agents`,
        init: json(body(i)),
        status: 201,
      })),
      await measure('bare Express GET', (i) => ({
        url: `${bareUrl}/agents/bench-${i}`,
        init: {},
        status: 200,
      })),
      await measure('GET /agents/:name', (i) => ({
        url: `${api}/agents/bench-${i}`,
        init: {},
        status: 200,
      })),
    ];
    const [barePost, post, bareGet, get] = results as [Result, Result, Result, Result];
    const ratio = (r: Result, base: Result) => (r.p50 / base.p50).toFixed(2);
    process.stdout.write(
      `${requests} requests per row, ${concurrency} concurrent clients\n\n` +
        `${'operation'.padEnd(34)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'req/s'.padStart(9)}${'p50 ÷ baseline'.padStart(16)}\n`,
    );
    const row = (r: Result, base: Result) =>
      `${r.name.padEnd(34)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}${r.perSecond.toFixed(0).padStart(9)}${ratio(r, base).padStart(16)}\n`;
    process.stdout.write(
      row(barePost, barePost) + row(post, barePost) + row(bareGet, bareGet) + row(get, bareGet),
    );
  } finally {
    await gateway.close();
    bareServer.close();
    await redis.stop({ removeData: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
