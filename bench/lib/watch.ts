// What the benchmarks that time events share: a wall clock comparable with an event's ISO
// timestamp, a WebSocket watcher through the gateway, and the bare XADD → XREAD baseline stamped
// the same way.
import type { AgentEvent } from '@komputer/contracts';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { authorization } from './services';

/** Wall-clock time in ms with sub-ms precision, comparable with an event's ISO timestamp. */
export const epochNow = () => performance.timeOrigin + performance.now();

/** Rejects after `ms` with `what`, unless `promise` settles first. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The baseline: bare XADD → XREAD BLOCK round trips, one every 2 ms until `rounds` are done, each
 * stamped with an ISO timestamp as the runtime stamps its events and timed the same way, so that
 * both measures carry the same millisecond rounding. With `waitReplicas`, each XADD is followed
 * by a `WAIT` for that many replicas before the next, as the scheduler stores events with
 * `KOMPUTER_REDIS_WAIT_REPLICAS`.
 */
export async function stampedBaseline(
  url: string,
  rounds: number,
  waitReplicas = 0,
): Promise<number[]> {
  const writer = new Redis(url);
  const reader = new Redis(url);
  const key = `bench-baseline-${Date.now()}`;
  const samples: number[] = [];
  let last = '0-0';
  const reading = (async () => {
    while (samples.length < rounds) {
      const reply = await reader.xread('BLOCK', 10_000, 'STREAMS', key, last);
      const at = epochNow();
      if (!reply) throw new Error('no baseline entry within 10 s');
      for (const [id, fields] of reply[0]?.[1] ?? []) {
        last = id;
        samples.push(at - Date.parse(fields[1] ?? ''));
      }
    }
  })();
  for (let i = 0; i < rounds; i++) {
    await writer.xadd(key, '*', 'timestamp', new Date().toISOString());
    if (waitReplicas > 0) await writer.wait(waitReplicas, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await reading;
  await writer.del(key);
  writer.disconnect();
  reader.disconnect();
  return samples;
}

/** A WebSocket through the gateway, keeping each event with when it arrived. */
export class Watcher {
  readonly events: { event: AgentEvent; at: number }[] = [];
  private readonly checks = new Set<() => void>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly timeoutMs: number,
  ) {
    ws.on('message', (data) => {
      const at = epochNow();
      this.events.push({ event: JSON.parse(data.toString()) as AgentEvent, at });
      for (const check of this.checks) check();
    });
  }

  /** Opens `url` with `apiKey`; each `until` gives up after `timeoutMs`. */
  static open(url: string, apiKey: string, timeoutMs: number): Promise<Watcher> {
    const ws = new WebSocket(url, { headers: authorization(apiKey) });
    const watcher = new Watcher(ws, timeoutMs);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(watcher));
      ws.once('error', reject);
    });
  }

  /** Resolves once `done()` holds after an event arrived (or already holds); rejects if it throws. */
  async until(done: () => boolean, what: string): Promise<void> {
    let check = () => undefined as void;
    const held = new Promise<void>((resolve, reject) => {
      check = () => {
        try {
          if (done()) resolve();
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
    });
    this.checks.add(check);
    check();
    try {
      await within(held, this.timeoutMs, what);
    } finally {
      this.checks.delete(check);
    }
  }

  /** The events of `taskId` so far. */
  of(taskId: string): { event: AgentEvent; at: number }[] {
    return this.events.filter((e) => e.event.taskId === taskId);
  }

  has(taskId: string, type: AgentEvent['type']): boolean {
    return this.events.some((e) => e.event.taskId === taskId && e.event.type === type);
  }

  close(): void {
    this.ws.close();
  }
}
