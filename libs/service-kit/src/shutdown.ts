import type { Logger } from 'pino';

/** One step of a graceful shutdown. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

/** Options for {@link createShutdown}. */
export interface ShutdownOptions {
  logger: Logger;
  /** Total time allowed for every step; then the process is forced out. */
  timeoutMs: number;
  /** What to do when the deadline passes. Default: `process.exit(1)`. Tests pass their own. */
  onDeadline?: () => void;
}

/** Ordered, idempotent shutdown with a deadline. */
export interface Shutdown {
  /** Adds a step; steps run in the order they were added. */
  add(name: string, run: ShutdownStep['run']): void;
  /** Runs every step once, in order. Later calls return the same promise. */
  run(reason: string): Promise<void>;
  /** Runs `run()` on SIGINT, SIGTERM and SIGHUP, then exits. A second signal exits at once. */
  installSignalHandlers(exit?: (code: number) => void): void;
}

/**
 * Creates a shutdown sequence. Each step is awaited; a step that throws is logged and the
 * next one still runs, so that one broken dependency cannot keep the others open.
 */
export function createShutdown(options: ShutdownOptions): Shutdown {
  const steps: ShutdownStep[] = [];
  let running: Promise<void> | undefined;

  async function runSteps(reason: string): Promise<void> {
    options.logger.info({ reason }, 'shutting down');
    for (const step of steps) {
      try {
        await step.run();
        options.logger.debug({ step: step.name }, 'shutdown step done');
      } catch (err) {
        options.logger.error({ step: step.name, err }, 'shutdown step failed');
      }
    }
    options.logger.info('shutdown complete');
  }

  const shutdown: Shutdown = {
    add(name, run) {
      steps.push({ name, run });
    },
    run(reason) {
      if (!running) {
        const deadline = setTimeout(() => {
          options.logger.error(
            { timeoutMs: options.timeoutMs },
            'shutdown deadline passed; forcing exit',
          );
          (options.onDeadline ?? (() => process.exit(1)))();
        }, options.timeoutMs);
        deadline.unref();
        running = runSteps(reason).finally(() => clearTimeout(deadline));
      }
      return running;
    },
    installSignalHandlers(exit = (code) => process.exit(code)) {
      // Count signals, not runs: a shutdown that the app started itself (a failed start-up)
      // must not turn the first signal into an exit that skips the remaining steps.
      let signalled = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (signalled) {
          options.logger.warn({ signal }, 'second signal; exiting now');
          exit(130);
          return;
        }
        signalled = true;
        void shutdown.run(signal).then(() => exit(0));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      process.on('SIGHUP', onSignal);
    },
  };
  return shutdown;
}
