import type { CloseReason } from '@komputer/contracts';

/** The most bytes a WebSocket close reason may hold (RFC 6455: 125 minus the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Encodes a close reason as JSON within {@link MAX_CLOSE_REASON_BYTES}: the message is cut
 * short (with "…") until it fits, and dropped if even that cannot make it fit.
 */
export function encodeCloseReason(reason: CloseReason): string {
  const encode = (r: CloseReason) => JSON.stringify(r);
  const fits = (text: string) => Buffer.byteLength(text) <= MAX_CLOSE_REASON_BYTES;
  let text = encode(reason);
  if (fits(text) || reason.message === undefined) return text;
  const chars = [...reason.message];
  for (let keep = chars.length - 1; keep > 0; keep--) {
    text = encode({ ...reason, message: `${chars.slice(0, keep).join('')}…` });
    if (fits(text)) return text;
  }
  const { message: _dropped, ...rest } = reason;
  return encode(rest);
}
