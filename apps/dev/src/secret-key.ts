import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSecretKey, parseSecretKey } from '@komputer/connectors';

/** Where `npm start` keeps the key it generated, under `KOMPUTER_DATA_DIR`. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * The development secret key: the one in `<dataDir>/secret.key`, or a new random one written
 * there (mode 0600) on first start, so that secrets stored by one run open in the next. A
 * deployment sets `KOMPUTER_SECRET_KEY` instead, and then this file is never read.
 */
export async function devSecretKey(dataDir: string): Promise<string> {
  const file = join(dataDir, SECRET_KEY_FILE);
  await mkdir(dataDir, { recursive: true });
  const key = generateSecretKey();
  try {
    // "wx": of two launchers starting at once, one writes and both read the same key.
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stored = (await readFile(file, 'utf8')).trim();
  try {
    parseSecretKey(stored);
  } catch {
    throw new Error(`${file} does not hold a valid key (32 random bytes in base64)`);
  }
  return stored;
}
