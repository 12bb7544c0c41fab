import { createLogger } from '@komputer/service-kit';
import { Writable } from 'node:stream';
import { addUsage, addUsd, emptyUsage, PriceList } from './pricing';

const MILLION = 1_000_000;

function prices() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { list: new PriceList(createLogger({ name: 'test', destination })), lines };
}

describe('PriceList', () => {
  it.each([
    ['claude-opus-4-1', 15, 75],
    ['claude-opus-4-1-20250805', 15, 75],
    ['claude-opus-4-0', 15, 75],
    ['claude-opus-4-20250514', 15, 75],
    ['claude-opus-4-5', 5, 25],
    ['claude-sonnet-4-0', 3, 15],
    ['claude-sonnet-4-5-20250929', 3, 15],
    ['claude-sonnet-4-6', 3, 15],
    ['claude-haiku-4-5', 1, 5],
    ['claude-3-5-haiku-latest', 0.8, 4],
  ])('prices %s at $%d in / $%d out per million tokens', (model, input, output) => {
    const { list } = prices();
    const usage = { ...emptyUsage(), input_tokens: MILLION, output_tokens: MILLION };
    expect(list.costUsd(model, usage)).toBeCloseTo(input + output, 10);
  });

  it('prices to a billionth of a dollar, with no floating-point noise', () => {
    const { list } = prices();
    const usage = { ...emptyUsage(), input_tokens: 1547, output_tokens: 400 };
    expect(String(list.costUsd('claude-sonnet-4-6', usage))).toBe('0.010641');
    // The cost of a task is the sum of its turns'.
    expect(String(addUsd(0.004641, 0.006))).toBe('0.010641');
  });

  it('prices cache writes at 1.25× and cache reads at 0.1× the input price', () => {
    const { list } = prices();
    const usage = {
      ...emptyUsage(),
      cache_creation_input_tokens: MILLION,
      cache_read_input_tokens: MILLION,
    };
    expect(list.costUsd('claude-sonnet-4-6', usage)).toBeCloseTo(3 * 1.25 + 3 * 0.1, 10);
  });

  it('prices an unknown model as Sonnet, warning once', () => {
    const { list, lines } = prices();
    const usage = addUsage(emptyUsage(), { ...emptyUsage(), output_tokens: MILLION });
    expect(list.costUsd('claude-future-9', usage)).toBe(15);
    expect(list.costUsd('claude-future-9', usage)).toBe(15);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('claude-future-9');
  });
});
