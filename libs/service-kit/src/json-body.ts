import { isUtf8 } from 'node:buffer';
import { jsonKeyPath, jsonNodes } from '@komputer/contracts';
import express from 'express';
import type { RequestHandler } from 'express';
import { AppError, JSON_TOO_DEEP } from './errors';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * How deeply UTF-8 JSON text nests: the most arrays and objects open at once, counted outside
 * strings. It stops at the first level past `limit`, so that a hostile body costs one pass at
 * most. Exact for valid JSON; for anything else the parser reports the error.
 */
export function jsonDepth(text: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  // A byte of a multi-byte UTF-8 character is never ASCII, so bytes can be compared as they are.
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) break;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/**
 * An error that the error middleware maps by its `type`, as it maps the body parser's own (the
 * parser adds properties to what `verify` throws, so it cannot be an AppError).
 */
function bodyError(type: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { type, status });
}

/** Options for {@link jsonBodyParser}. */
export interface JsonBodyOptions {
  /** Largest body, in bytes. */
  limitBytes: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
}

/**
 * Parses `application/json` bodies within a size and a nesting bound, and refuses a `__proto__`
 * key at any depth. The nesting is counted on the raw bytes before `JSON.parse`, because the
 * validators, `JSON.stringify` and whatever reads the stored value later all recurse: a structure
 * thousands of levels deep would overflow their stack. JSON must be valid UTF-8 (RFC 8259),
 * which is also what makes the byte count exact. `JSON.parse` makes `__proto__` an ordinary key,
 * but code that copies it by assignment (`Object.assign`, a merge) would set a prototype instead.
 */
export function jsonBodyParser({ limitBytes, maxDepth }: JsonBodyOptions): RequestHandler {
  const parse = express.json({
    limit: limitBytes,
    strict: true,
    verify: (_req, _res, body, encoding) => {
      if (encoding !== 'utf-8') {
        throw bodyError('charset.unsupported', 415, `JSON must be UTF-8, not "${encoding}"`);
      }
      // The decoder would turn each bad byte into U+FFFD, and the request would go on altered.
      if (!isUtf8(body)) throw bodyError('entity.parse.failed', 400, 'not valid UTF-8');
      if (jsonDepth(body, maxDepth) > maxDepth) {
        throw bodyError(JSON_TOO_DEEP, 400, `JSON nests deeper than ${maxDepth} levels`);
      }
    },
  });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err !== undefined) return next(err);
      for (const node of jsonNodes(req.body)) {
        if (node.key !== '__proto__') continue;
        const path = ['body', ...jsonKeyPath(node)].join('.');
        return next(
          new AppError('VALIDATION_FAILED', 400, `${path}: "__proto__" is not allowed as a key`, {
            retryable: false,
          }),
        );
      }
      next();
    });
  };
}
