// The SDK compiles without Node.js types (it runs in browsers too): this is all it knows of Node.
declare const process: { env: Record<string, string | undefined> } | undefined;

/** Where the client connects when it is given no `baseURL`. */
export const DEFAULT_BASE_URL = 'http://localhost:8080';

/**
 * `KOMPUTER_BASE_URL` where there is a `process` (Node.js and its kin), else
 * {@link DEFAULT_BASE_URL}. Browsers have no environment, so they always get the default.
 */
export function defaultBaseURL(): string {
  const env = typeof process === 'undefined' ? undefined : process.env;
  return env?.['KOMPUTER_BASE_URL'] || DEFAULT_BASE_URL;
}
