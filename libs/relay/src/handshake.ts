import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, errorHeaders, toErrorEnvelope } from '@komputer/service-kit';

/** Why a WebSocket handshake is refused, and the headers its answer needs besides the envelope. */
export interface HandshakeRefusal {
  error: AppError;
  headers: Record<string, string>;
}

/** 16 bytes in base64, as RFC 6455 asks of `Sec-WebSocket-Key` (the check `ws` makes). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

function invalid(message: string): HandshakeRefusal {
  return {
    error: new AppError('VALIDATION_FAILED', 400, message, { retryable: false }),
    headers: {},
  };
}

/**
 * Checks an upgrade request against RFC 6455 before anything else happens to it, so that a
 * refusal is an answer of ours (the `ws` library would send an HTML page): `405` for a method
 * other than GET, `426` with the version we speak, `400` for the rest. Undefined when it is fine.
 */
export function checkHandshake(
  req: Pick<IncomingMessage, 'method' | 'headers'>,
): HandshakeRefusal | undefined {
  const { method, headers } = req;
  if (method !== 'GET') {
    return {
      error: new AppError('METHOD_NOT_ALLOWED', 405, `${method} cannot open a WebSocket; use GET`, {
        retryable: false,
      }),
      headers: { Allow: 'GET' },
    };
  }
  if (headers.upgrade?.toLowerCase() !== 'websocket') {
    return invalid('header.upgrade: must be "websocket"');
  }
  const key = headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) {
    return invalid('header.sec-websocket-key: must be 16 bytes in base64');
  }
  if (headers['sec-websocket-version'] !== '13') {
    return {
      error: new AppError('UPGRADE_REQUIRED', 426, 'header.sec-websocket-version: must be 13', {
        retryable: false,
      }),
      headers: { 'Sec-WebSocket-Version': '13' },
    };
  }
  return undefined;
}

/**
 * Answers an upgrade request that will not be upgraded with a plain HTTP response, as the HTTP
 * routes answer: the error envelope as JSON, and `X-Request-Id`. The connection then closes.
 */
export function refuseUpgrade(
  socket: Duplex,
  error: AppError,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(toErrorEnvelope(error, requestId));
  const fields = {
    Connection: 'close',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    ...errorHeaders(error),
    ...headers,
  };
  const head = Object.entries(fields).map(([name, value]) => `${name}: ${value}`);
  // An upgrade socket is half-open until its peer ends it: destroy it once the answer is out.
  socket.once('finish', () => socket.destroy());
  socket.end(
    [`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}`, ...head, '', body].join('\r\n'),
  );
}
