import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './listen';

/** Options for {@link RedisServer}. */
export interface RedisServerOptions {
  /** Data directory. Default: a fresh temporary directory, removed by `stop({ removeData: true })`. */
  dir?: string;
  /** Turn on append-only persistence (so that a restart keeps the data). Default false. */
  appendOnly?: boolean;
  /** TCP port. Default: a free port chosen at start. */
  port?: number;
  /**
   * Run in its own process group, so that a terminal's Ctrl-C reaches only the parent, which
   * then stops Redis after whatever uses it. Default false.
   */
  detached?: boolean;
  /** How long to wait for "Ready to accept connections". Default 10 s. */
  startTimeoutMs?: number;
  /**
   * Require this password of every client (`requirepass`). It reaches redis-server through its
   * standard input, never its command line, which anyone on the machine can read. URL-safe
   * characters only (A-Z a-z 0-9 . _ ~ -), so that {@link RedisServer.url} can carry it as it
   * is. Default: none.
   */
  password?: string;
  /** More redis.conf lines (`replicaof 127.0.0.1 6380`, say), read from its standard input. */
  config?: string[];
  /**
   * Run as a Sentinel that monitors this master, instead of as a server. Sentinel keeps its
   * state in a config file of its own, in `dir`.
   */
  sentinel?: { master: string; port: number; quorum: number; downAfterMs: number };
}

/** Characters that need no escaping in a URL or in redis.conf. */
const SAFE_PASSWORD = /^[A-Za-z0-9._~-]+$/;

const INSTALL_HINT =
  'redis-server was not found on PATH. komputer needs a local Redis 7.0+ binary for tests and for `npm start`.\n' +
  '  Debian/Ubuntu: sudo apt-get install -y redis-server\n' +
  '  macOS:         brew install redis\n' +
  'Or set REDIS_URL to use a Redis you already run.';

/** Finds the redis-server binary, or throws an error that says how to install it. */
export function findRedisServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) throw new Error(INSTALL_HINT);
  return path;
}

const running = new Set<ChildProcess>();
// A test run or a launcher that dies must not leave a redis-server behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A real redis-server child process on the loopback interface. `start()` and `stop()` may be
 * called repeatedly: a stopped server starts again on the same port with the same data
 * directory, which is how tests simulate a Redis restart.
 */
export class RedisServer {
  readonly dir: string;
  private readonly ownsDir: boolean;
  private child: ChildProcess | undefined;
  private portNumber: number | undefined;

  constructor(private readonly options: RedisServerOptions = {}) {
    if (options.password !== undefined && !SAFE_PASSWORD.test(options.password)) {
      throw new Error('a redis-server password may hold only A-Z a-z 0-9 . _ ~ -');
    }
    this.ownsDir = !options.dir;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), 'komputer-redis-'));
    this.portNumber = options.port;
  }

  /** The port, once started. */
  get port(): number {
    if (this.portNumber === undefined) throw new Error('redis-server has not been started');
    return this.portNumber;
  }

  /** `redis://127.0.0.1:<port>`, or `redis://:<password>@127.0.0.1:<port>` with a password. */
  get url(): string {
    const auth = this.options.password === undefined ? '' : `:${this.options.password}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** The process id while running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts redis-server and resolves once it accepts connections. */
  async start(): Promise<this> {
    if (this.child) return this;
    const binary = findRedisServerBinary();
    mkdirSync(this.dir, { recursive: true });
    const fixedPort = this.portNumber !== undefined;
    for (let attempt = 0; ; attempt++) {
      const port = this.portNumber ?? (await findFreePort());
      try {
        await this.spawnOn(binary, port);
        this.portNumber = port;
        return this;
      } catch (err) {
        // Another process may take the probed port before redis binds it: try another one.
        if (fixedPort || attempt >= 4 || !String(err).includes('Address already in use')) throw err;
      }
    }
  }

  private spawnOn(binary: string, port: number): Promise<void> {
    const { sentinel } = this.options;
    const sentinelArgs: string[] = [];
    if (sentinel) {
      const file = join(this.dir, 'sentinel.conf');
      writeFileSync(
        file,
        [
          `sentinel monitor ${sentinel.master} 127.0.0.1 ${sentinel.port} ${sentinel.quorum}`,
          `sentinel down-after-milliseconds ${sentinel.master} ${sentinel.downAfterMs}`,
          `sentinel failover-timeout ${sentinel.master} ${sentinel.downAfterMs * 4}`,
          '',
        ].join('\n'),
      );
      sentinelArgs.push(file, '--sentinel');
    }
    const args = [
      ...sentinelArgs,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      this.options.appendOnly ? 'yes' : 'no',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      // Redis rewrites its command line into a title once it runs, which would hide from `ps`
      // what anyone could read there while it started. Keep the real one, so that what `ps`
      // shows is what was passed: nothing secret.
      '--set-proc-title',
      'no',
    ];
    const { password } = this.options;
    const stdinConfig = [
      ...(password === undefined ? [] : [`requirepass ${password}`, `masterauth ${password}`]),
      ...(this.options.config ?? []),
    ];
    // "-" last: read more configuration from standard input, after the arguments.
    if (stdinConfig.length > 0) args.push('-');
    const child = spawn(binary, args, {
      stdio: [stdinConfig.length === 0 ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: this.options.detached ?? false,
    });
    running.add(child);
    if (stdinConfig.length > 0) {
      // A failed write shows as redis-server's own failure to start, reported below.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(`${stdinConfig.join('\n')}\n`);
    }
    // A Sentinel says it is up by naming the master it monitors.
    const readyLines = sentinel
      ? ['+monitor master']
      : ['Ready to accept connections', 'ready to accept connections'];
    const timeoutMs = this.options.startTimeoutMs ?? 10_000;
    let output = '';
    return new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        running.delete(child);
        reject(
          new Error(`redis-server on port ${port} did not start: ${why}\n${output.slice(-2000)}`),
        );
      };
      const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (readyLines.some((line) => output.includes(line))) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          child.stderr?.resume();
          this.child = child;
          child.once('exit', () => {
            running.delete(child);
            if (this.child === child) this.child = undefined;
          });
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('error', (err) => fail(err.message));
      child.once('exit', (code, signal) => {
        if (!this.child) fail(`exited early (code ${code}, signal ${signal})`);
      });
    });
  }

  /**
   * Stops redis-server (SIGTERM, so that it flushes the append-only file, or `signal` SIGKILL,
   * as a crash) and waits for it to exit; SIGKILL after `timeoutMs`. Idempotent.
   */
  async stop(
    options: { removeData?: boolean; timeoutMs?: number; signal?: 'SIGTERM' | 'SIGKILL' } = {},
  ): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(options.signal ?? 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 5_000);
      await exited;
      clearTimeout(timer);
    }
    this.child = undefined;
    if (options.removeData && this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts a throwaway redis-server on a free port. Call `stop({ removeData: true })` when done. */
export function startRedisServer(options?: RedisServerOptions): Promise<RedisServer> {
  return new RedisServer(options).start();
}
