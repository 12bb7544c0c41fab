import { mkdir, realpath } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import { createLogger, createShutdown, loadConfig } from '@komputer/service-kit';
import { AgentRuntimeConfigSchema } from './config';
import { waitForAssignment } from './assignment';
import { createRuntime } from './runtime';
import { SandboxedShell } from './sandbox/sandboxed-shell';
import { HostShell, shellEnv } from './sandbox/shell';

const config = loadConfig(AgentRuntimeConfigSchema, process.env);
// stdout carries the runtime protocol; every log line goes to stderr.
const logger = createLogger({
  name: 'agent-runtime',
  level: config.LOG_LEVEL,
  destination: process.stderr,
});
// The SDK reads ANTHROPIC_BASE_URL itself: the scheduler's model proxy. The runtime holds no key;
// each task calls the model with its own token. The key here is a function that refuses, so
// that the SDK never looks for a credential elsewhere (the environment, files in the workspace).
// Its own log lines (retries, deprecation notices) would go to the console, and so partly to
// stdout; they join ours instead.
const client = new Anthropic({
  apiKey: () => Promise.reject(new Error('a model call needs its task’s token')),
  maxRetries: config.ANTHROPIC_MAX_RETRIES,
  logger: logger.child({ component: 'anthropic-sdk' }),
});
const shutdown = createShutdown({ logger, timeoutMs: config.KOMPUTER_SHUTDOWN_TIMEOUT_MS });

/**
 * A runtime knows its workspace from the start, or it is a spare, started ahead of need with
 * every module loaded, and told its workspace by its first message.
 */
async function start() {
  const assigned = config.KOMPUTER_WORKSPACE
    ? { workspace: config.KOMPUTER_WORKSPACE }
    : await waitForAssignment(process.stdin);
  const { workspace } = assigned;
  const stateDir = assigned.stateDir ?? config.KOMPUTER_STATE_DIR;
  await mkdir(workspace, { recursive: true });
  process.chdir(workspace);
  process.env['HOME'] = workspace;
  const env = shellEnv(process.env);
  const shell = config.KOMPUTER_SANDBOX
    ? new SandboxedShell({
        workspace: await realpath(workspace),
        hidden: config.KOMPUTER_SANDBOX_HIDE,
        env,
        logger,
      })
    : new HostShell(env);
  return createRuntime({
    input: process.stdin,
    output: process.stdout,
    client,
    workspace,
    stateDir,
    config,
    logger,
    shell,
  });
}

start().then(
  (runtime) => {
    shutdown.add('runtime', () => runtime.shutdown('signal'));
    shutdown.add('logs', () => logger.flush());
    shutdown.installSignalHandlers();
    // A shutdown message or the end of stdin (the supervisor is gone) ends the process.
    void runtime.done.then(() => shutdown.run('runtime stopped')).then(() => process.exit(0));
  },
  (err: unknown) => {
    logger.fatal({ err }, 'agent runtime could not start');
    process.exit(1);
  },
);
