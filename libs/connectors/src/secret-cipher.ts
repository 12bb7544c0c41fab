import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Marks the format of a sealed value, so that another one can be added later. */
const VERSION = 'v1';

/** A key that is not 32 bytes of base64; the message never quotes the key. */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

/** Decodes `KOMPUTER_SECRET_KEY`: 32 bytes, base64. */
export function parseSecretKey(encoded: string): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== encoded.trim()) {
    throw new SecretKeyError(`must be ${KEY_BYTES} random bytes in base64 (44 characters)`);
  }
  return key;
}

/** A new random key, encoded as `KOMPUTER_SECRET_KEY` expects it. */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * AES-256-GCM over secret data. Each value is sealed with its own random IV, and bound to the
 * record it belongs to (`context`, as additional authenticated data), so that a sealed value
 * copied onto another secret's record does not open there.
 */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretKeyError(`must be ${KEY_BYTES} bytes`);
    this.key = key;
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, each part base64. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64'));
    return [VERSION, ...parts].join('.');
  }

  /** Opens what {@link seal} made for the same context; throws when it was altered or moved. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('a stored secret is not in a known format');
    }
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // Node's message says only "Unsupported state or unable to authenticate data".
      throw new Error(
        'a stored secret cannot be decrypted: wrong KOMPUTER_SECRET_KEY, or altered data',
      );
    }
  }
}

/**
 * `KOMPUTER_SECRET_KEY` in a service's config: required, so that a service that reads secrets
 * refuses to start without a valid key rather than fail on the first secret.
 */
export const SecretKeyVarSchema = z
  .string({ error: 'is required: 32 random bytes in base64 (openssl rand -base64 32)' })
  .refine((value) => {
    try {
      parseSecretKey(value);
      return true;
    } catch {
      return false;
    }
  }, 'must be 32 random bytes in base64, 44 characters (openssl rand -base64 32)')
  .describe(
    'Encrypts secrets at rest (AES-256-GCM): 32 random bytes in base64 (`openssl rand -base64 32`). The connector-registry and the scheduler need the same key and refuse to start without one (the gateway holds none); `npm start` without it generates `KOMPUTER_DATA_DIR/secret.key` (mode 0600) on first start and reuses it',
  );
