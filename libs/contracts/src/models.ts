/**
 * What the platform knows of each model it runs: the size of its context window, which decides
 * when an agent's conversation is compacted, and which the API shows as `modelContextWindow`.
 */

/** The context window of a model the table does not know: what every current Claude model has. */
export const DEFAULT_CONTEXT_WINDOW = 200_000;

/** Smallest context window an agent may declare: below it no task fits beside its prompts. */
export const MIN_CONTEXT_WINDOW = 4_096;

/** Largest context window an agent may declare. */
export const MAX_CONTEXT_WINDOW = 10_000_000;

/**
 * Context windows by model id prefix, longest prefix first. The 1M-token windows some models
 * offer need a beta header that the runtime does not send, so the standard window applies.
 */
const CONTEXT_WINDOWS: readonly (readonly [prefix: string, tokens: number])[] = [
  ['claude-opus-4', 200_000],
  ['claude-sonnet-4', 200_000],
  ['claude-haiku-4', 200_000],
  ['claude-3-7-sonnet', 200_000],
  ['claude-3-5-sonnet', 200_000],
  ['claude-3-5-haiku', 200_000],
  ['claude-3-opus', 200_000],
  ['claude-3-haiku', 200_000],
];

/** The context window of `model`, in tokens ({@link DEFAULT_CONTEXT_WINDOW} when unknown). */
export function contextWindowOf(model: string): number {
  return (
    CONTEXT_WINDOWS.find(([prefix]) => model.startsWith(prefix))?.[1] ?? DEFAULT_CONTEXT_WINDOW
  );
}
