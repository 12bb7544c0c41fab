/** One sample line of the Prometheus text format. */
export interface PrometheusSample {
  /** The sample's name: the family's, or a histogram's `_bucket`, `_sum` or `_count`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its `# TYPE`, its `# HELP` and its samples. */
export interface PrometheusFamily {
  type: string;
  help: string;
  samples: PrometheusSample[];
}

/** A scrape, parsed: its families by name. */
export class PrometheusScrape {
  constructor(readonly families: ReadonlyMap<string, PrometheusFamily>) {}

  /**
   * The sum of the samples named `name` whose labels include `labels` (0 when none matches).
   * Throws when no family holds samples of that name, so that a misspelt name cannot pass for 0.
   */
  value(name: string, labels: Record<string, string> = {}): number {
    const family = this.familyOf(name);
    if (!family) throw new Error(`no metric family has samples named ${name}`);
    return family.samples
      .filter((s) => s.name === name)
      .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }

  /** The family that `sampleName` belongs to (`x_bucket`, `x_sum`, `x_count` belong to `x`). */
  familyOf(sampleName: string): PrometheusFamily | undefined {
    const exact = this.families.get(sampleName);
    if (exact) return exact;
    const base = /^(.*)_(bucket|sum|count)$/.exec(sampleName)?.[1];
    const family = base === undefined ? undefined : this.families.get(base);
    return family && (family.type === 'histogram' || family.type === 'summary')
      ? family
      : undefined;
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Reads a label set `{a="x",b="y"}` from `line` at `at`; returns the labels and where it ends. */
function readLabels(line: string, at: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = at + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return [labels, i + 1];
    const name = NAME.exec(line.slice(i))?.[0];
    if (!name || line[i + name.length] !== '=' || line[i + name.length + 1] !== '"') {
      throw new Error(`malformed label set: ${line}`);
    }
    i += name.length + 2;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) throw new Error(`unterminated label value: ${line}`);
      i++;
      if (c === '"') break;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const escaped = line[i++];
      value += escaped === 'n' ? '\n' : (escaped ?? '');
    }
    labels[name] = value;
  }
}

/** A value of the text format: a float, `+Inf`, `-Inf` or `NaN` (any case, as Go parses them). */
function readValue(text: string, line: string): number {
  const special = text.toLowerCase();
  if (special === '+inf' || special === 'inf') return Infinity;
  if (special === '-inf') return -Infinity;
  if (special === 'nan') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`malformed value: ${line}`);
  return value;
}

/**
 * Parses the Prometheus text exposition format (version 0.0.4). Every sample must follow the
 * `# TYPE` of its family, as the format requires of what `prom-client` writes; a malformed line
 * throws.
 */
export function parsePrometheusText(text: string): PrometheusScrape {
  const families = new Map<string, PrometheusFamily>();
  const scrape = new PrometheusScrape(families);
  const family = (name: string) => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { type: 'untyped', help: '', samples: [] }));
    return found;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (kind === 'HELP') family(name).help = rest;
      else family(name).type = rest;
      continue;
    }
    if (line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`malformed sample: ${line}`);
    let [labels, at] = [{} as Record<string, string>, name.length];
    if (line[at] === '{') [labels, at] = readLabels(line, at);
    const [value = ''] = line.slice(at).trim().split(/\s+/);
    const owner = scrape.familyOf(name);
    if (!owner) throw new Error(`a sample before its family's # TYPE: ${line}`);
    owner.samples.push({ name, labels, value: readValue(value, line) });
  }
  return scrape;
}

/** Fetches `url` (an app's `/metrics`) and parses it. */
export async function scrapeMetrics(url: string): Promise<PrometheusScrape> {
  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 200)}`);
  if (!res.headers.get('content-type')?.startsWith('text/plain; version=0.0.4')) {
    throw new Error(`${url} answered ${res.headers.get('content-type')}, not the text format`);
  }
  return parsePrometheusText(body);
}
