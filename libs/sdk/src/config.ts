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

/** Where `npm start` writes its local admin key, under its data directory. */
export const LOCAL_API_KEY_FILE = 'api-key';

/**
 * The API key of a client given none: `KOMPUTER_API_KEY`, else the key that `npm start` made in
 * its data directory (`KOMPUTER_DATA_DIR`, default `.komputer`, then `api-key`) when that file
 * can be read, else none. Browsers have neither, so they send no key unless given one.
 */
export async function defaultApiKey(): Promise<string | undefined> {
  const env = typeof process === 'undefined' ? undefined : process.env;
  if (!env) return undefined;
  if (env['KOMPUTER_API_KEY']) return env['KOMPUTER_API_KEY'];
  const file = `${env['KOMPUTER_DATA_DIR'] || '.komputer'}/${LOCAL_API_KEY_FILE}`;
  // Named at run time, so that bundles for browsers do not look for it.
  const fsModule = 'node:fs/promises';
  try {
    const fs = (await import(fsModule)) as {
      readFile(path: string, encoding: 'utf8'): Promise<string>;
    };
    return (await fs.readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
