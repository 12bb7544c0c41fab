import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Marks the token format, so that another one can be added later. */
const VERSION = 'kt1';
/**
 * What the signing key is derived for: the secret key also seals secrets, and a key derived
 * for one purpose is worthless for the other.
 */
const KEY_INFO = 'komputer task token v1';
const KEY_BYTES = 32;
/** A token longer than this is refused before any work: a real one is far shorter. */
const MAX_TOKEN_CHARS = 1024;

/** What a task token says: whose task it is, and until when it may be used. */
export interface TaskTokenClaims {
  namespace: string;
  /** The agent's name. */
  agent: string;
  /** The agent's uid: an agent deleted and created again under the same name gets another. */
  uid: string;
  taskId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

function isClaims(value: unknown): value is [string, string, string, string, number] {
  return (
    Array.isArray(value) &&
    value.length === 5 &&
    value.slice(0, 4).every((part) => typeof part === 'string') &&
    Number.isSafeInteger(value[4])
  );
}

/**
 * Signs and checks per-task tokens: `kt1.<claims>.<HMAC-SHA256>`, the claims as base64url JSON.
 * The key is derived (HKDF) from `KOMPUTER_SECRET_KEY`, which the scheduler that issues tokens
 * and the connector-registry that checks them both hold, so that the registry checks a token
 * without asking the scheduler. A token proves only who issued it and for which task: whether
 * that task still runs is for the checker to ask (the token outlives a cancelled task).
 */
export class TaskTokenSigner {
  private readonly key: Buffer;

  constructor(secretKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), KEY_INFO, KEY_BYTES));
  }

  /** A token carrying `claims`. */
  sign(claims: TaskTokenClaims): string {
    const { namespace, agent, uid, taskId, expiresAt } = claims;
    const body = Buffer.from(JSON.stringify([namespace, agent, uid, taskId, expiresAt])).toString(
      'base64url',
    );
    return `${VERSION}.${body}.${this.mac(body)}`;
  }

  /**
   * The claims of a token this key signed and that has not expired at `now`; undefined for any
   * other string.
   */
  verify(token: string, now = Date.now()): TaskTokenClaims | undefined {
    if (token.length > MAX_TOKEN_CHARS) return undefined;
    const [version, body, mac, ...rest] = token.split('.');
    if (version !== VERSION || !body || !mac || rest.length > 0) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isClaims(claims) || claims[4] <= now) return undefined;
    const [namespace, agent, uid, taskId, expiresAt] = claims;
    return { namespace, agent, uid, taskId, expiresAt };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(`${VERSION}.${body}`).digest('base64url');
  }
}
