// The benchmarks' model: the scripted Anthropic-compatible server in a process of its own, as a
// real model endpoint would be. Prints its URL as the first line of stdout; stops on SIGTERM.
// It answers "ok" at once, except to instructions of the form `stream <blocks> <delayMs>`: those
// get that many text blocks, streamed with `delayMs` between SSE events, so that a task lasts
// long enough to overlap with others.
import { lastUserText, startScriptedAnthropic, text } from '@komputer/testing';
import type { ScriptedReply } from '@komputer/testing';

/** The slow answer that `stream <blocks> <delayMs>` asks for, or undefined. */
function streamed(instructions: string): ScriptedReply | undefined {
  const match = /^stream (\d+) (\d+)$/.exec(instructions.trim());
  if (!match) return undefined;
  const blocks = Array.from({ length: Number(match[1]) }, (_, i) =>
    text(`block ${i + 1}: ${'lorem ipsum '.repeat(4)}`),
  );
  return { content: blocks, delayMs: Number(match[2]), chunkSize: 24 };
}

async function main(): Promise<void> {
  const model = await startScriptedAnthropic({
    offlineResponder: (request) => streamed(lastUserText(request)) ?? { content: [text('ok')] },
    maxLoggedRequests: 1,
  });
  process.stdout.write(`${model.url}\n`);
  process.once('SIGTERM', () => void model.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
