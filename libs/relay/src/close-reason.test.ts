import { CloseReasonSchema } from '@komputer/contracts';
import { encodeCloseReason, MAX_CLOSE_REASON_BYTES } from './close-reason';

describe('encodeCloseReason', () => {
  it('keeps a short reason whole', () => {
    const reason = { code: 'SLOW_CONSUMER', lastId: '1700000000000-12' } as const;
    expect(JSON.parse(encodeCloseReason(reason))).toEqual(reason);
  });

  it.each([
    'x'.repeat(500),
    'é'.repeat(200),
    '👍'.repeat(100),
    'query.after: must be an event id such as "1700000000000-0"; query.namespace: must be a DNS-1123 label',
  ])('cuts a long message to fit, and stays valid JSON (%#)', (message) => {
    const text = encodeCloseReason({
      code: 'VALIDATION_FAILED',
      message,
      lastId: '18446744073709551615-18446744073709551615',
    });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    const parsed = CloseReasonSchema.parse(JSON.parse(text));
    expect(parsed.lastId).toBe('18446744073709551615-18446744073709551615');
    expect(parsed.message?.endsWith('…')).toBe(true);
    expect(message.startsWith(parsed.message?.slice(0, -1) ?? '!')).toBe(true);
  });
});
