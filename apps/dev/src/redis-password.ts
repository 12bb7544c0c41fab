import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '@komputer/service-kit';
import { readOrCreatePrivateFile, rewritePrivateFile } from './private-files';

/** Where `npm start` keeps its own Redis's password, under `KOMPUTER_DATA_DIR`. */
export const REDIS_PASSWORD_FILE = 'redis.password';

/**
 * What a password may look like: URL-safe characters only, so that it goes into `REDIS_URL` and
 * into Redis's configuration as it is; long enough that it cannot be guessed.
 */
const PASSWORD_PATTERN = /^[A-Za-z0-9._~-]{32,}$/;

/** 256 random bits, as 64 hex digits. */
function generatePassword(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The password of the redis-server that `npm start` runs for itself: the one in
 * `<dataDir>/redis.password`, or a new random one written there (mode 0600) on first start.
 * It is kept rather than made anew at each start so that an operator can reach the same Redis
 * with `redis-cli` across restarts.
 *
 * A password file that others could read is tightened to 0600 and given a new password, with a
 * warning: Redis does not store its password with its data, so nothing is lost by changing it,
 * and the one that may have been read opens nothing. `dataDir` must exist (see
 * `ensurePrivateDir`).
 */
export async function devRedisPassword(dataDir: string, logger: Logger): Promise<string> {
  const file = join(dataDir, REDIS_PASSWORD_FILE);
  const { content, wasExposed } = await readOrCreatePrivateFile(file, generatePassword);
  if (!PASSWORD_PATTERN.test(content)) {
    throw new Error(
      `${file} does not hold a valid password (at least 32 of A-Z a-z 0-9 . _ ~ -); ` +
        'delete it and the next start makes a new one',
    );
  }
  if (!wasExposed) return content;
  const fresh = generatePassword();
  await rewritePrivateFile(file, fresh);
  logger.warn(
    { file },
    'the Redis password file was readable by other users; it is now 0600 and holds a new password',
  );
  return fresh;
}
