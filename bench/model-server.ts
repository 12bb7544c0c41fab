// The benchmarks' model: the scripted Anthropic-compatible server in a process of its own, as a
// real model endpoint would be. Prints its URL as the first line of stdout; stops on SIGTERM.
import { startScriptedAnthropic, text } from '@komputer/testing';

async function main(): Promise<void> {
  const model = await startScriptedAnthropic({
    offlineResponder: () => ({ content: [text('ok')] }),
    maxLoggedRequests: 1,
  });
  process.stdout.write(`${model.url}\n`);
  process.once('SIGTERM', () => void model.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
