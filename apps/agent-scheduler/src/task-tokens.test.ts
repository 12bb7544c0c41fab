import { generateSecretKey, parseSecretKey, TaskTokenSigner } from '@komputer/connectors';
import { TaskTokens } from './task-tokens';

const TASK = { namespace: 'default', agent: 'agent-1', uid: 'uid-1', taskId: 'task-1' };
const GRANT = { agent: 'default/agent-1', taskId: 'task-1' };
const signer = new TaskTokenSigner(parseSecretKey(generateSecretKey()));

describe('TaskTokens', () => {
  it('issues signed tokens, each granting its own task', () => {
    const tokens = new TaskTokens(signer);
    const first = tokens.issue(TASK, 60_000);
    const second = tokens.issue({ ...TASK, taskId: 'task-2' }, 60_000);
    expect(signer.verify(first)).toMatchObject(TASK);
    expect(first).not.toBe(second);
    expect(tokens.verify(first)).toMatchObject(GRANT);
    expect(tokens.verify(second)).toMatchObject({ taskId: 'task-2' });
    expect(tokens.verify('made-up')).toBeUndefined();
    tokens.close();
  });

  it('refuses a revoked token, and aborts what was granted with it', () => {
    const tokens = new TaskTokens(signer);
    const token = tokens.issue(TASK, 60_000);
    const grant = tokens.verify(token);
    tokens.revoke(token);
    expect(grant?.signal.aborted).toBe(true);
    expect((grant?.signal.reason as Error).message).toBe('the task ended');
    expect(tokens.verify(token)).toBeUndefined();
    expect(tokens.size).toBe(0);
    // Revoking again, or a token it never issued, does nothing.
    tokens.revoke(token);
    tokens.revoke('made-up');
  });

  it('lets a token expire when its task’s end goes unseen', async () => {
    const tokens = new TaskTokens(signer);
    const token = tokens.issue(TASK, 30);
    const grant = tokens.verify(token);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(tokens.verify(token)).toBeUndefined();
    expect(grant?.signal.aborted).toBe(true);
    expect(tokens.size).toBe(0);
  });

  it('revokes every token when it closes', () => {
    const tokens = new TaskTokens(signer);
    const grants = [tokens.issue(TASK, 60_000), tokens.issue(TASK, 60_000)].map((token) =>
      tokens.verify(token),
    );
    tokens.close();
    expect(grants.map((grant) => grant?.signal.aborted)).toEqual([true, true]);
    expect(tokens.size).toBe(0);
  });

  it('takes another scheduler’s token while its task runs, as a second replica behind one Service', async () => {
    const issuer = new TaskTokens(signer);
    let runs = true;
    const seen: unknown[] = [];
    const other = new TaskTokens(signer, async (claims) => {
      seen.push(claims);
      return runs;
    });
    const token = issuer.issue(TASK, 60_000);
    expect(await other.verifyAnywhere(token)).toMatchObject(GRANT);
    expect(seen).toEqual([expect.objectContaining(TASK)]);
    runs = false;
    expect(await other.verifyAnywhere(token)).toBeUndefined();
    // Its own tokens need no question; a scheduler that cannot ask takes only its own.
    expect(await issuer.verifyAnywhere(token)).toMatchObject(GRANT);
    expect(await new TaskTokens(signer).verifyAnywhere(token)).toBeUndefined();
    expect(await other.verifyAnywhere('kt1.made.up')).toBeUndefined();
    issuer.close();
  });
});
