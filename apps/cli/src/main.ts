#!/usr/bin/env node
// The `komputer` binary: the process's arguments, environment and streams, handed to runCli.
import packageJson from '../package.json';
import { runCli } from './cli';
import { cliEnv } from './config';

// A reader that goes away (`komputer logs x | head`) is not an error.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });

runCli({
  argv: process.argv.slice(2),
  env: cliEnv(process.env),
  stdout: process.stdout,
  stderr: process.stderr,
  version: packageJson.version,
  onInterrupt(listener) {
    // The first Ctrl-C stops following; a second one ends the process the usual way.
    const handler = () => {
      process.off('SIGINT', handler);
      listener();
    };
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
}).then((code) => {
  process.exitCode = code;
});
