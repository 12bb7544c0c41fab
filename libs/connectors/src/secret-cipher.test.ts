import { generateSecretKey, parseSecretKey, SecretCipher } from './secret-cipher';

describe('SecretCipher', () => {
  const cipher = new SecretCipher(parseSecretKey(generateSecretKey()));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = cipher.seal('hunter2', 'secret:default/gh');
    const b = cipher.seal('hunter2', 'secret:default/gh');
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(cipher.open(a, 'secret:default/gh')).toBe('hunter2');
  });

  it('refuses a value moved to another secret, altered, or sealed under another key', () => {
    const sealed = cipher.seal('hunter2', 'secret:default/gh');
    expect(() => cipher.open(sealed, 'secret:default/other')).toThrow('cannot be decrypted');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64');
    body[0] = (body[0] ?? 0) ^ 1;
    const altered = [...parts.slice(0, 3), body.toString('base64')].join('.');
    expect(() => cipher.open(altered, 'secret:default/gh')).toThrow('cannot be decrypted');
    const other = new SecretCipher(parseSecretKey(generateSecretKey()));
    expect(() => other.open(sealed, 'secret:default/gh')).toThrow('cannot be decrypted');
  });

  it('takes only 32 bytes of base64 as a key', () => {
    expect(() => parseSecretKey(Buffer.alloc(16).toString('base64'))).toThrow('32 random bytes');
    expect(() => parseSecretKey('not base64 at all!')).toThrow('32 random bytes');
  });
});
