import type { Logger } from '@komputer/service-kit';

/** Token counts of one or more model calls. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** USD per million tokens. */
interface Price {
  input: number;
  output: number;
}

const OPUS_4_0: Price = { input: 15, output: 75 };
const SONNET_4: Price = { input: 3, output: 15 };

/** List prices by model, without the date suffix. */
const PRICES: Record<string, Price> = {
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-1': OPUS_4_0,
  'claude-opus-4-0': OPUS_4_0,
  // The dated id of Opus 4.0 and Sonnet 4.0 has no minor version: claude-opus-4-20250514.
  'claude-opus-4': OPUS_4_0,
  'claude-sonnet-4-6': SONNET_4,
  'claude-sonnet-4-5': SONNET_4,
  'claude-sonnet-4-0': SONNET_4,
  'claude-sonnet-4': SONNET_4,
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
};

/** Cache writes (5-minute) and cache reads, relative to the input price. */
const CACHE_WRITE_FACTOR = 1.25;
const CACHE_READ_FACTOR = 0.1;

/** A zero usage, to sum into. */
export function emptyUsage(): TokenUsage {
  return {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

/** `a + b`, field by field. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
  };
}

/** The price of `model`, or undefined when the table does not know it. */
function priceOf(model: string): Price | undefined {
  return PRICES[model.replace(/-(\d{8}|latest)$/, '')];
}

/**
 * `usd` to a billionth of a dollar: the floating-point noise of sums (0.004641 + 0.006 is
 * 0.010641000000000001) never reaches an event or the agent's `lastTaskCostUSD`.
 */
function toNanoUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

/** `a + b` in USD, to a billionth of a dollar. */
export function addUsd(a: number, b: number): number {
  return toNanoUsd(a + b);
}

/** What `usage` costs on `model`, in USD, with `price` (USD per million tokens). */
function cost(price: Price, usage: TokenUsage): number {
  const perToken = (perMillion: number) => perMillion / 1_000_000;
  const usd =
    usage.input_tokens * perToken(price.input) +
    usage.output_tokens * perToken(price.output) +
    usage.cache_creation_input_tokens * perToken(price.input * CACHE_WRITE_FACTOR) +
    usage.cache_read_input_tokens * perToken(price.input * CACHE_READ_FACTOR);
  return toNanoUsd(usd);
}

/**
 * Prices model usage from the list prices. A model missing from the table is priced as Sonnet,
 * with one warning per model, so that a new model costs something plausible rather than zero.
 */
export class PriceList {
  private readonly warned = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** What `usage` costs on `model`, in USD. */
  costUsd(model: string, usage: TokenUsage): number {
    const price = priceOf(model);
    if (price) return cost(price, usage);
    if (!this.warned.has(model)) {
      this.warned.add(model);
      this.logger.warn({ model }, 'no price known for this model; pricing it as Sonnet');
    }
    return cost(SONNET_4, usage);
  }
}
