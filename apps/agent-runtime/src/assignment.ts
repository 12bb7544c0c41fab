import type { Readable } from 'node:stream';
import { RuntimeAssignMessageSchema } from '@komputer/contracts';

/** Longest first line a spare runtime reads: an `assign` message is small. */
const MAX_ASSIGN_LINE_BYTES = 64 * 1024;

/**
 * Waits for a spare runtime's first message, `assign`, and returns its workspace. Bytes after
 * that line are put back on `input` for the protocol reader. Rejects when `input` ends first
 * (the supervisor is gone) or the line is not a valid `assign`.
 */
export function waitForAssignment(
  input: Readable,
): Promise<{ workspace: string; stateDir?: string }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const finish = (outcome: () => void) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      outcome();
    };
    const onEnd = () =>
      finish(() => reject(new Error('the supervisor went away before assigning a workspace')));
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(10);
      if (newline === -1) {
        if (buffered.length > MAX_ASSIGN_LINE_BYTES) {
          finish(() => reject(new Error('the first message is too long for an assign')));
        }
        return;
      }
      const line = buffered.subarray(0, newline).toString('utf8');
      const rest = buffered.subarray(newline + 1);
      finish(() => {
        if (rest.length > 0) input.unshift(rest);
        let parsed: ReturnType<typeof RuntimeAssignMessageSchema.safeParse>;
        try {
          parsed = RuntimeAssignMessageSchema.safeParse(JSON.parse(line));
        } catch {
          reject(new Error('the first message is not JSON'));
          return;
        }
        if (parsed.success) {
          const { workspace, stateDir } = parsed.data;
          resolve({ workspace, ...(stateDir !== undefined ? { stateDir } : {}) });
        } else
          reject(new Error(`the first message is not a valid assign: ${parsed.error.message}`));
      });
    };
    input.on('data', onData);
    input.once('end', onEnd);
  });
}
