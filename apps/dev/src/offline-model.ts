import { lastUserText, text, toolUse } from '@komputer/testing';
import type { ScriptedReply, ScriptedRequest } from '@komputer/testing';

type Message = ScriptedRequest['body']['messages'][number];

const carriesToolResults = (message: Message) =>
  Array.isArray(message.content) && message.content.some((block) => block.type === 'tool_result');

/**
 * The offline model `npm start` runs when no Anthropic credentials are set. It plays a fixed,
 * clearly labelled scene, so that a first run shows a whole task with no network: it lists the
 * agent's workspace with `Bash`, then answers.
 */
export function offlineModel(request: ScriptedRequest): ScriptedReply {
  const { messages } = request.body;
  const last = messages.at(-1);
  if (!last || !carriesToolResults(last)) {
    return {
      content: [
        text(
          '[offline model] No ANTHROPIC_API_KEY is set, so these replies are scripted. ' +
            'Let me look at my workspace.',
        ),
        toolUse('Bash', { command: 'pwd && ls -la' }),
      ],
    };
  }
  const task = messages.findLast((m) => m.role === 'user' && !carriesToolResults(m));
  const instructions = task
    ? lastUserText({ ...request, body: { ...request.body, messages: [task] } })
    : '';
  return {
    content: [
      text(
        `[offline model] Done: that was my workspace. Your task was: "${instructions}". ` +
          'Set ANTHROPIC_API_KEY to have a real model carry it out.',
      ),
    ],
  };
}
