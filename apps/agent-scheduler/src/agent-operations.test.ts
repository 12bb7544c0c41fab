import { AgentOperations } from './agent-operations';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (err: Error) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('AgentOperations', () => {
  it('shares one start between callers, and starts again once it is over', async () => {
    const ops = new AgentOperations<string>();
    let starts = 0;
    const start = async () => `runtime ${++starts}`;
    const [a, b] = await Promise.all([ops.startOnce('k', start), ops.startOnce('k', start)]);
    expect([a, b]).toEqual(['runtime 1', 'runtime 1']);
    expect(await ops.startOnce('k', start)).toBe('runtime 2');
  });

  it('is busy while a stop runs, and settles once it is over', async () => {
    const ops = new AgentOperations<string>();
    const stop = deferred();
    const tracked = ops.trackStop('k', stop.promise);
    expect(ops.busy('k')).toBe(true);
    expect(ops.stopOf('k')).toBe(tracked);
    let settled = false;
    const waiting = ops.settled('k').then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    stop.resolve();
    await waiting;
    expect(ops.busy('k')).toBe(false);
    expect(ops.stopOf('k')).toBeUndefined();
  });

  it('runs removals one after another, after the start under way, whatever came before', async () => {
    const ops = new AgentOperations<string>();
    const order: string[] = [];
    const start = deferred<string>();
    const starting = ops.startOnce('k', () => start.promise);
    const first = ops.trackRemove('k', async () => {
      order.push('first');
      throw new Error('failed');
    });
    const second = ops.trackRemove('k', async () => {
      order.push('second');
    });
    expect(ops.busy('k')).toBe(true);
    await Promise.resolve();
    expect(order).toEqual([]);
    start.resolve('runtime');
    await starting;
    await expect(first).rejects.toThrow('failed');
    await second;
    expect(order).toEqual(['first', 'second']);
    expect(ops.busy('k')).toBe(false);
    // A failed removal does not hold up what waits for the agent to settle.
    await ops.settled('k');
  });
});
