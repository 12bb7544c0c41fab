/**
 * The exit status of `komputer`: scripts switch on these, and docs/cli.md lists them. A task's
 * outcome (`run`, `logs -f`) and the ways a command can fail each have their own.
 */
export const EXIT = {
  /** The command did what it was asked; a followed task completed. */
  OK: 0,
  /** A followed task ended with an `error` event. */
  TASK_FAILED: 1,
  /** The command line or the config file is wrong. */
  USAGE: 2,
  /** The API answered with an error (4xx or 5xx). */
  API_ERROR: 3,
  /** The API could not be reached, or did not answer in time. */
  UNREACHABLE: 4,
  /** A followed task was cancelled. */
  TASK_CANCELLED: 5,
  /** Something went wrong that should not have: a bug worth reporting. */
  INTERNAL: 70,
  /** Interrupted (Ctrl-C) while following a task, which goes on. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
