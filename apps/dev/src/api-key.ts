import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ApiKeyStringSchema } from '@komputer/contracts';
import type { Logger } from '@komputer/service-kit';
import { readOrCreatePrivateFile, rewritePrivateFile } from './private-files';

/**
 * Where `npm start` keeps its local admin API key, under `KOMPUTER_DATA_DIR`; the CLI and the
 * SDK read it from there when `KOMPUTER_API_KEY` is not set.
 */
export const API_KEY_FILE = 'api-key';

/** A new admin key string: the id `local`, and 256 random bits. */
function generateKey(): string {
  return `kpt_local_${randomBytes(32).toString('hex')}`;
}

/**
 * The admin API key of `npm start`: the one in `<dataDir>/api-key`, or a new one written there
 * (mode 0600) on first start. The gateway stores it (its hash) as `KOMPUTER_ADMIN_KEY`.
 *
 * A key file that others could read is tightened to 0600 and given a new key, with a warning:
 * the stored key is replaced by it, so the one that may have been read opens nothing.
 */
export async function devApiKey(dataDir: string, logger: Logger): Promise<string> {
  const file = join(dataDir, API_KEY_FILE);
  const { content, wasExposed } = await readOrCreatePrivateFile(file, generateKey);
  if (!ApiKeyStringSchema.safeParse(content).success) {
    throw new Error(
      `${file} does not hold an API key (kpt_<id>_<secret>); delete it and the next start makes a new one`,
    );
  }
  if (!wasExposed) return content;
  const fresh = generateKey();
  await rewritePrivateFile(file, fresh);
  logger.warn(
    { file },
    'the API key file was readable by other users; it is now 0600 and holds a new key',
  );
  return fresh;
}
