import { collectLogLines } from '@komputer/testing';
import { createLogger } from './logger';
import { createShutdown } from './shutdown';

function capturedLogger() {
  const { destination, records } = collectLogLines();
  const logger = createLogger({ name: 'shutdown-test', level: 'debug', destination });
  return { logger, records };
}

/** A promise with its resolve function, to hold a step open until the test lets it go. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createShutdown', () => {
  it('runs the steps once each, in the order they were added, awaiting each one', async () => {
    const { logger } = capturedLogger();
    const shutdown = createShutdown({ logger, timeoutMs: 10_000, onDeadline: jest.fn() });
    const order: string[] = [];
    const first = deferred();
    shutdown.add('readiness', () => {
      order.push('readiness');
    });
    shutdown.add('server', async () => {
      order.push('server:start');
      await first.promise;
      order.push('server:end');
    });
    shutdown.add('redis', async () => {
      order.push('redis');
    });

    const done = shutdown.run('test');
    // The third step must wait for the second one to finish.
    await new Promise(setImmediate);
    expect(order).toEqual(['readiness', 'server:start']);
    first.resolve();
    await done;
    expect(order).toEqual(['readiness', 'server:start', 'server:end', 'redis']);
  });

  it('is idempotent: later calls return the same promise and run nothing again', async () => {
    const { logger, records } = capturedLogger();
    const shutdown = createShutdown({ logger, timeoutMs: 10_000, onDeadline: jest.fn() });
    const step = jest.fn();
    shutdown.add('only', step);

    const first = shutdown.run('SIGTERM');
    const concurrent = shutdown.run('SIGINT');
    expect(concurrent).toBe(first);
    await first;
    const later = shutdown.run('again');
    expect(later).toBe(first);
    await later;

    expect(step).toHaveBeenCalledTimes(1);
    const started = records.filter((r) => r['msg'] === 'shutting down');
    expect(started).toEqual([expect.objectContaining({ reason: 'SIGTERM' })]);
  });

  it('keeps going after a step that throws or rejects, and still resolves', async () => {
    const { logger, records } = capturedLogger();
    const shutdown = createShutdown({ logger, timeoutMs: 10_000, onDeadline: jest.fn() });
    const ran: string[] = [];
    shutdown.add('throws', () => {
      ran.push('throws');
      throw new Error('sync failure');
    });
    shutdown.add('rejects', async () => {
      ran.push('rejects');
      throw new Error('async failure');
    });
    shutdown.add('last', () => {
      ran.push('last');
    });

    await expect(shutdown.run('test')).resolves.toBeUndefined();
    expect(ran).toEqual(['throws', 'rejects', 'last']);
    const failed = records.filter((r) => r['msg'] === 'shutdown step failed');
    expect(failed.map((r) => r['step'])).toEqual(['throws', 'rejects']);
    expect(records.some((r) => r['msg'] === 'shutdown complete')).toBe(true);
  });

  it('cuts a hanging step off at the deadline', async () => {
    const { logger, records } = capturedLogger();
    const deadlinePassed = deferred();
    const onDeadline = jest.fn(() => deadlinePassed.resolve());
    const shutdown = createShutdown({ logger, timeoutMs: 50, onDeadline });
    const after = jest.fn();
    shutdown.add('hangs', () => new Promise<void>(() => undefined));
    shutdown.add('after', after);

    void shutdown.run('test');
    // Bounded: the deadline under test is 50 ms, and jest's own timeout backs it up.
    await deadlinePassed.promise;

    expect(onDeadline).toHaveBeenCalledTimes(1);
    expect(after).not.toHaveBeenCalled();
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'shutdown deadline passed; forcing exit', timeoutMs: 50 }),
    );
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('clears the deadline once every step is done', async () => {
      const { logger } = capturedLogger();
      const onDeadline = jest.fn();
      const shutdown = createShutdown({ logger, timeoutMs: 1_000, onDeadline });
      shutdown.add('quick', () => Promise.resolve());
      await shutdown.run('test');
      jest.advanceTimersByTime(5_000);
      expect(onDeadline).not.toHaveBeenCalled();
    });

    it('fires the deadline exactly at timeoutMs, not before', async () => {
      const { logger } = capturedLogger();
      const onDeadline = jest.fn();
      const shutdown = createShutdown({ logger, timeoutMs: 1_000, onDeadline });
      shutdown.add('hangs', () => new Promise<void>(() => undefined));
      void shutdown.run('test');
      jest.advanceTimersByTime(999);
      expect(onDeadline).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(onDeadline).toHaveBeenCalledTimes(1);
    });

    it('exits the process with 1 at the deadline by default', () => {
      const exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
      try {
        const { logger } = capturedLogger();
        const shutdown = createShutdown({ logger, timeoutMs: 100 });
        shutdown.add('hangs', () => new Promise<void>(() => undefined));
        void shutdown.run('test');
        jest.advanceTimersByTime(100);
        expect(exit).toHaveBeenCalledWith(1);
      } finally {
        exit.mockRestore();
      }
    });
  });

  describe('installSignalHandlers', () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    let before: Map<NodeJS.Signals, Set<NodeJS.SignalsListener>>;

    beforeEach(() => {
      before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
    });

    afterEach(() => {
      // Remove only the handlers this test installed.
      for (const s of signals) {
        for (const listener of process.listeners(s)) {
          if (!before.get(s)?.has(listener)) process.off(s, listener);
        }
      }
    });

    it.each(signals)(
      'on %s runs the shutdown with the signal as reason, then exits 0',
      async (s) => {
        const { logger, records } = capturedLogger();
        const shutdown = createShutdown({ logger, timeoutMs: 10_000, onDeadline: jest.fn() });
        const step = jest.fn();
        shutdown.add('step', step);
        const exited = deferred<number>();
        shutdown.installSignalHandlers((code) => exited.resolve(code));

        process.emit(s, s);
        expect(await exited.promise).toBe(0);
        expect(step).toHaveBeenCalledTimes(1);
        expect(records).toContainEqual(
          expect.objectContaining({ msg: 'shutting down', reason: s }),
        );
      },
    );

    it('exits at once with 130 on a second signal while shutting down', async () => {
      const { logger } = capturedLogger();
      const shutdown = createShutdown({ logger, timeoutMs: 10_000, onDeadline: jest.fn() });
      const release = deferred();
      const step = jest.fn(() => release.promise);
      shutdown.add('slow', step);
      const exit = jest.fn();
      shutdown.installSignalHandlers(exit);

      process.emit('SIGTERM', 'SIGTERM');
      expect(step).toHaveBeenCalledTimes(1);
      expect(exit).not.toHaveBeenCalled();
      process.emit('SIGINT', 'SIGINT');
      expect(exit).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledWith(130);
      expect(step).toHaveBeenCalledTimes(1);
      // Let the first shutdown finish so that nothing is left pending.
      release.resolve();
      await shutdown.run('cleanup');
    });

    it('lets a shutdown that the app started itself finish on a first signal', async () => {
      const { logger } = capturedLogger();
      const shutdown = createShutdown({ logger, timeoutMs: 10_000, onDeadline: jest.fn() });
      const release = deferred();
      const ran: string[] = [];
      shutdown.add('slow', async () => {
        await release.promise;
        ran.push('slow');
      });
      shutdown.add('logs', () => {
        ran.push('logs');
      });
      const exited = deferred<number>();
      const exit = jest.fn((code: number) => exited.resolve(code));
      shutdown.installSignalHandlers(exit);

      const running = shutdown.run('start-up failed');
      process.emit('SIGTERM', 'SIGTERM');
      expect(exit).not.toHaveBeenCalled();
      release.resolve();
      await running;
      expect(await exited.promise).toBe(0);
      expect(ran).toEqual(['slow', 'logs']);
      expect(exit).toHaveBeenCalledTimes(1);
    });
  });
});
