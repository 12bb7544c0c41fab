import { join } from 'node:path';
import { generateSecretKey, parseSecretKey } from '@komputer/connectors';
import type { Logger } from '@komputer/service-kit';
import { readOrCreatePrivateFile } from './private-files';

/** Where `npm start` keeps the key it generated, under `KOMPUTER_DATA_DIR`. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * The development secret key: the one in `<dataDir>/secret.key`, or a new random one written
 * there (mode 0600) on first start, so that secrets stored by one run open in the next. A
 * deployment sets `KOMPUTER_SECRET_KEY` instead, and then this file is never read.
 *
 * A key file that others could read is tightened to 0600 with a warning, not replaced: a new key
 * could not open the secrets already stored under the old one. `dataDir` must exist (see
 * `ensurePrivateDir`).
 */
export async function devSecretKey(dataDir: string, logger: Logger): Promise<string> {
  const file = join(dataDir, SECRET_KEY_FILE);
  const { content, wasExposed } = await readOrCreatePrivateFile(file, generateSecretKey);
  try {
    parseSecretKey(content);
  } catch {
    throw new Error(`${file} does not hold a valid key (32 random bytes in base64)`);
  }
  if (wasExposed) {
    logger.warn(
      { file },
      'the secret key file was readable by other users; it is now 0600. Anyone on this machine ' +
        'may have read it, and with it the secrets stored in Redis: consider them exposed',
    );
  }
  return content;
}
