import { generateSecretKey, parseSecretKey } from './secret-cipher';
import { TaskTokenSigner } from './task-token';

const CLAIMS = {
  namespace: 'default',
  agent: 'researcher',
  uid: '5f0c4a8e-2d2b-4e4b-9a49-1f2d3c4b5a69',
  taskId: 'c0ffee00-1111-2222-3333-444455556666',
  expiresAt: Date.now() + 60_000,
};

describe('TaskTokenSigner', () => {
  const key = parseSecretKey(generateSecretKey());
  const signer = new TaskTokenSigner(key);

  it('checks what it signed, in another instance with the same key', () => {
    const token = signer.sign(CLAIMS);
    expect(new TaskTokenSigner(key).verify(token)).toEqual(CLAIMS);
    // Names at their longest still fit the runtime protocol's bound on a token.
    const long = signer.sign({ ...CLAIMS, namespace: 'n'.repeat(63), agent: 'a'.repeat(63) });
    expect(long.length).toBeLessThan(512);
  });

  it('refuses a token of another key, an altered one, an expired one and junk', () => {
    const token = signer.sign(CLAIMS);
    expect(new TaskTokenSigner(parseSecretKey(generateSecretKey())).verify(token)).toBeUndefined();
    const [version, body, mac] = token.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify([CLAIMS.namespace, 'other', CLAIMS.uid, CLAIMS.taskId, CLAIMS.expiresAt]),
    ).toString('base64url');
    expect(signer.verify(`${version}.${forged}.${mac}`)).toBeUndefined();
    expect(signer.verify(`${version}.${body}.${mac.slice(1)}`)).toBeUndefined();
    expect(signer.verify(token, CLAIMS.expiresAt)).toBeUndefined();
    for (const junk of ['', 'kt1', 'kt1..', `${token}.x`, 'x'.repeat(5000)]) {
      expect(signer.verify(junk)).toBeUndefined();
    }
  });
});
