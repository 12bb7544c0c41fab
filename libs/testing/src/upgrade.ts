import { sendRequest } from './http-answer';
import type { HttpAnswer } from './http-answer';

/** Options for {@link refusedUpgrade}. */
export interface RefusedUpgradeOptions {
  /** Default GET. */
  method?: string;
  /** Added to a valid handshake's headers; `undefined` leaves one out. */
  headers?: Record<string, string | undefined>;
}

/** The headers of a valid WebSocket handshake. */
export const HANDSHAKE_HEADERS: Readonly<Record<string, string>> = {
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
};

/**
 * Asks `url` for a WebSocket upgrade and resolves with the server's refusal; rejects if the
 * server upgrades.
 */
export function refusedUpgrade(
  url: string,
  options: RefusedUpgradeOptions = {},
): Promise<HttpAnswer> {
  const headers = Object.fromEntries(
    Object.entries({ ...HANDSHAKE_HEADERS, ...options.headers }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  return sendRequest(url, { method: options.method, headers });
}

/** An upgrade request that breaks RFC 6455, and how a server must refuse it. */
export interface BadHandshake extends RefusedUpgradeOptions {
  title: string;
  status: number;
  code: string;
  /** Headers the refusal must carry (lower-case names). */
  answer?: Record<string, string>;
}

/** Every way a handshake can go wrong that a server checks before it upgrades. */
export const BAD_HANDSHAKES: readonly BadHandshake[] = [
  {
    title: 'POST',
    method: 'POST',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    answer: { allow: 'GET' },
  },
  {
    title: 'PUT',
    method: 'PUT',
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    answer: { allow: 'GET' },
  },
  { title: 'Upgrade: h2c', headers: { Upgrade: 'h2c' }, status: 400, code: 'VALIDATION_FAILED' },
  {
    title: 'no Sec-WebSocket-Key',
    headers: { 'Sec-WebSocket-Key': undefined },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    title: 'a Sec-WebSocket-Key that is not 16 bytes in base64',
    headers: { 'Sec-WebSocket-Key': 'c2hvcnQ=' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  ...[undefined, '8', '12', 'thirteen'].map((version): BadHandshake => ({
    title: version === undefined ? 'no Sec-WebSocket-Version' : `Sec-WebSocket-Version ${version}`,
    headers: { 'Sec-WebSocket-Version': version },
    status: 426,
    code: 'UPGRADE_REQUIRED',
    answer: { 'sec-websocket-version': '13' },
  })),
  {
    title: 'a malformed Sec-WebSocket-Protocol',
    headers: { 'Sec-WebSocket-Protocol': 'a b' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
];
