import { z } from 'zod';
import { parseRedisUrl } from './redis-url';

/** Raised by {@link parseConfig} when the environment does not satisfy a config schema. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` with `schema`; throws {@link ConfigError} listing every bad variable. A blank
 * variable counts as unset, so that its default applies.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  // A blank `FOO=` in a .env file or an empty Helm value means "unset". Left as it is, it would
  // skip the default and be coerced instead: `PORT=` would become 0, a random port.
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = schema.safeParse(set);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      const value = set[key];
      // Never echo the value: it may be a password or a token.
      return `${key || '(environment)'}: ${issue.message}${value === undefined ? ' (unset)' : ''}`;
    }),
  );
}

/**
 * Loads configuration for a process entry point: on failure it prints a readable error and
 * exits with status 78 (EX_CONFIG), because nothing useful can run on a broken config.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
}

/** An empty string means "unset": a blank `FOO=` in a .env file should not count as a value. */
function optionalVar<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
}

/** The Redis a service uses when `REDIS_URL` is unset (the dev launcher starts its own instead). */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** TCP port, 0 meaning "any free port". */
export const PortSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(65535)
  .describe('HTTP port to listen on (`0`: any free port)');

/** The interface a service listens on. */
export const HostSchema = z.string().min(1).default('0.0.0.0').describe('Interface to listen on');

/** `KOMPUTER_BODY_LIMIT_BYTES`: the largest JSON body a service with an API accepts. */
export const BodyLimitBytesSchema = z.coerce
  .number()
  .int()
  .min(1024)
  .max(64 * 1024 * 1024)
  .default(1024 * 1024)
  .describe('Largest request body; a larger one gets `413 PAYLOAD_TOO_LARGE`');

/** `KOMPUTER_JSON_MAX_DEPTH`: the deepest JSON body a service with an API accepts. */
export const JsonMaxDepthSchema = z.coerce
  .number()
  .int()
  .min(8)
  .max(1000)
  .default(64)
  .describe(
    'Deepest nesting of arrays and objects in a JSON body; a deeper one gets `400 VALIDATION_FAILED` before it is parsed',
  );

/** `scheme://host[:port]`: an origin as a browser sends it. */
const ORIGIN = /^https?:\/\/[^/\s,]+$/;

/**
 * The origins whose browser pages may call a service (CORS): a comma-separated list, or `*` for
 * any. Unset: none, so only pages of the service's own origin can.
 */
export const CorsOriginsSchema = optionalVar(z.string())
  .transform((value = '') =>
    value
      .split(',')
      .map((origin) => origin.trim().replace(/\/$/, ''))
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().refine((origin) => origin === '*' || ORIGIN.test(origin), {
        error: 'must be origins such as https://app.example.com, comma-separated, or *',
      }),
    ),
  )
  .describe(
    'Origins whose browser pages may call the API (CORS), comma-separated, e.g. `https://app.example.com`; `*` for any. Unset: none, so only pages served from the same origin can',
  );

/**
 * What `KOMPUTER_DATA_DIR` holds, said once: the scheduler keeps the agents' workspaces there,
 * and a gateway that shares it serves their files.
 */
export const DATA_DIR_DESCRIPTION =
  "The data directory. Agents' workspaces live under `<dir>/workspaces/<namespace>/<name>` (local runtime driver); under `npm start` also its own Redis's data and the generated secret key. A gateway that shares it with the scheduler serves `GET /agents/{name}/download/{path}` from it; a gateway without it answers those `501 DOWNLOAD_UNAVAILABLE` (the kubernetes driver keeps workspaces in the agents' volumes)";

/** The least severe log level written. */
const LogLevelSchema = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .describe('The least severe level that is logged (JSON lines, one per entry)');

/** The settings of traces that every app reads: the standard OpenTelemetry variables. */
export const TracingConfigSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalVar(z.url({ protocol: /^https?$/ })).describe(
    'The OTLP/HTTP collector that receives traces (spans go to `<endpoint>/v1/traces`); unset: no traces are made',
  ),
  OTEL_EXPORTER_OTLP_HEADERS: optionalVar(
    z
      .string()
      .regex(
        /^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/,
        'must be comma-separated key=value pairs',
      ),
  ).describe('Headers for the collector, as comma-separated `key=value` pairs (an API key, say)'),
  OTEL_SERVICE_NAME: optionalVar(z.string().min(1).max(128)).describe(
    'The `service.name` of the spans; default: the app’s name (`komputer` under `npm start`)',
  ),
});
export type TracingConfig = z.infer<typeof TracingConfigSchema>;

/** Config shared by every service. */
export const BaseConfigSchema = z.object({
  LOG_LEVEL: LogLevelSchema.default('info'),
  REDIS_URL: optionalVar(
    z.string().superRefine((url, ctx) => {
      try {
        parseRedisUrl(url);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  ).describe(
    `The Redis to use: \`redis://\` or \`rediss://\`, a Redis behind Sentinel, \`redis+sentinel://[:password@]host:port[,host:port...]/<master name>\`, or a Redis Cluster, \`redis+cluster://[:password@]host:port[,host:port...]\` (its keys then carry hash tags: see docs/architecture.md). Unset: \`${DEFAULT_REDIS_URL}\`; \`npm start\` starts a redis-server of its own instead`,
  ),
  KOMPUTER_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"')
    .default('komputer')
    .describe('Prefix of every Redis key (1-64 letters, digits, `_`, `.` or `-`)'),
  KOMPUTER_DEFAULT_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label')
    .default('default')
    .describe('Namespace of a request without `?namespace=`'),
  KOMPUTER_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .describe('Deadline of the graceful shutdown; past it the process exits')
    .default(10_000),
  KOMPUTER_EVENTS_MAXLEN: z.coerce
    .number()
    .int()
    .min(100)
    .max(10_000_000)
    .default(10_000)
    .describe(
      "Approximate cap on each agent's event stream, counting only events that are not `text_delta`s (deltas between the kept events stay, up to ten times the cap); older events are trimmed, and a cursor before them gets `410 CURSOR_EXPIRED`",
    ),
  KOMPUTER_REDIS_WAIT_REPLICAS: z.coerce
    .number()
    .int()
    .min(0)
    .max(16)
    .default(0)
    .describe(
      'Replicas that must hold each task claim, task start and event before it counts as written (Redis `WAIT`), so that a failover loses none; `0`: do not wait',
    ),
  KOMPUTER_REDIS_WAIT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(60_000)
    .default(1_000)
    .describe(
      'How long a write waits for `KOMPUTER_REDIS_WAIT_REPLICAS`; past it the write stands, and a warning says how many replicas held it',
    ),
});
export type BaseConfig = z.infer<typeof BaseConfigSchema>;
