import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { UsageError } from './errors';

/** Where the API is when nothing says otherwise: `npm start`'s gateway. */
export const DEFAULT_API = 'http://localhost:8080';
export const DEFAULT_NAMESPACE = 'default';

/** The environment variables the CLI reads. */
export interface CliEnv {
  /** The config file's path, instead of the default one. */
  KOMPUTER_CONFIG?: string | undefined;
  /** The API's address (the SDK reads it too). */
  KOMPUTER_BASE_URL?: string | undefined;
  KOMPUTER_NAMESPACE?: string | undefined;
  XDG_CONFIG_HOME?: string | undefined;
  HOME?: string | undefined;
  NO_COLOR?: string | undefined;
  FORCE_COLOR?: string | undefined;
  TERM?: string | undefined;
}

/** The environment, as the CLI reads it. */
export function cliEnv(env: NodeJS.ProcessEnv): CliEnv {
  const {
    KOMPUTER_CONFIG,
    KOMPUTER_BASE_URL,
    KOMPUTER_NAMESPACE,
    XDG_CONFIG_HOME,
    HOME,
    NO_COLOR,
    FORCE_COLOR,
    TERM,
  } = env;
  return {
    KOMPUTER_CONFIG,
    KOMPUTER_BASE_URL,
    KOMPUTER_NAMESPACE,
    XDG_CONFIG_HOME,
    HOME,
    NO_COLOR,
    FORCE_COLOR,
    TERM,
  };
}

const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The API's address as the SDK takes it: http(s), without a trailing slash or `/api/v1`
 * (which the SDK appends), so that `http://localhost:8080/api/v1` works as well.
 */
export function normaliseApi(value: string, from: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${from}: "${value}" is not a URL (e.g. http://localhost:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${from}: "${value}" must be an http:// or https:// URL`);
  return url.href.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

/** A namespace, checked as the API checks it. */
export function checkNamespace(value: string, from: string): string {
  if (!NAMESPACE_PATTERN.test(value))
    throw new UsageError(
      `${from}: "${value}" is not a namespace (lowercase letters, digits and "-", at most 63 characters)`,
    );
  return value;
}

/** The config file: what `komputer config set` writes. */
export const ConfigFileSchema = z.strictObject({
  api: z.string().optional(),
  namespace: z.string().optional(),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type ConfigKey = keyof ConfigFile;
export const CONFIG_KEYS: readonly ConfigKey[] = ['api', 'namespace'];

/**
 * The config file's path: `$KOMPUTER_CONFIG`, else `$XDG_CONFIG_HOME/komputer/config.json`,
 * else `~/.config/komputer/config.json`.
 */
export function configPath(env: CliEnv): string {
  if (env.KOMPUTER_CONFIG) return env.KOMPUTER_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'komputer', 'config.json');
}

/** Reads the config file; a missing file is an empty config, a broken one a usage error. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read the config file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the config file ${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = ConfigFileSchema.safeParse(json);
  if (!parsed.success)
    throw new UsageError(
      `the config file ${path} is not valid: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'the file'}: ${issue.message}`)
        .join('; ')}`,
    );
  const file = parsed.data;
  if (file.api !== undefined) normaliseApi(file.api, `"api" in ${path}`);
  if (file.namespace !== undefined) checkNamespace(file.namespace, `"namespace" in ${path}`);
  return file;
}

/** Writes the config file in one rename, creating its directory. */
export function writeConfigFile(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`);
  renameSync(temporary, path);
}

/** One setting and where it came from, which `komputer config` shows. */
export interface Setting {
  value: string;
  source: 'flag' | 'env' | 'config' | 'default';
}

/** The API address and namespace in force. */
export interface Settings {
  api: Setting;
  namespace: Setting;
}

/** Flags beat the environment, which beats the config file, which beats the defaults. */
export function resolveSettings(
  flags: { api?: string | undefined; namespace?: string | undefined },
  env: CliEnv,
  file: ConfigFile,
): Settings {
  const pick = (
    flag: string | undefined,
    fromEnv: string | undefined,
    fromFile: string | undefined,
    fallback: string,
  ): Setting => {
    if (flag !== undefined) return { value: flag, source: 'flag' };
    if (fromEnv) return { value: fromEnv, source: 'env' };
    if (fromFile !== undefined) return { value: fromFile, source: 'config' };
    return { value: fallback, source: 'default' };
  };
  const where = { flag: '--api', env: 'KOMPUTER_BASE_URL', config: '"api" in the config file' };
  const api = pick(flags.api, env.KOMPUTER_BASE_URL, file.api, DEFAULT_API);
  const namespace = pick(
    flags.namespace,
    env.KOMPUTER_NAMESPACE,
    file.namespace,
    DEFAULT_NAMESPACE,
  );
  const nsWhere = {
    flag: '--namespace',
    env: 'KOMPUTER_NAMESPACE',
    config: '"namespace" in the config file',
  };
  return {
    api: {
      ...api,
      value: api.source === 'default' ? api.value : normaliseApi(api.value, where[api.source]),
    },
    namespace: {
      ...namespace,
      value:
        namespace.source === 'default'
          ? namespace.value
          : checkNamespace(namespace.value, nsWhere[namespace.source]),
    },
  };
}
