import type { KubeObject, ResourceDef } from './resources';
import { badRequest } from './status';
import { labelKeyErrors, labelValueErrors } from './names';

/** One requirement of a label selector, as `k8s.io/apimachinery/pkg/labels` parses it. */
export interface LabelRequirement {
  key: string;
  operator: 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
  values: string[];
}

/** A parsed selector: matches when every requirement holds. */
export type Matcher = (obj: KubeObject) => boolean;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function parseError(text: string, why: string): never {
  throw badRequest(`unable to parse requirement: ${why} (in ${JSON.stringify(text)})`);
}

function checkKey(key: string, text: string): void {
  const errors = labelKeyErrors(key);
  if (errors.length) parseError(text, `invalid label key "${key}": ${errors.join('; ')}`);
}

function checkValue(value: string, text: string): void {
  const errors = labelValueErrors(value);
  if (errors.length) parseError(text, `invalid label value: "${value}": ${errors.join('; ')}`);
}

/** Parses a `labelSelector` query parameter; throws a 400 `Status` as the real server does. */
export function parseLabelSelector(text: string | undefined): LabelRequirement[] {
  if (!text || !text.trim()) return [];
  const requirements: LabelRequirement[] = [];
  for (const raw of splitTopLevel(text)) {
    const part = raw.trim();
    if (!part) parseError(text, 'found empty requirement');
    let match = /^!\s*([^\s=!<>(),]+)$/.exec(part);
    if (match) {
      checkKey(match[1] ?? '', text);
      requirements.push({ key: match[1] ?? '', operator: '!', values: [] });
      continue;
    }
    match = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
    if (match) {
      const values = (match[3] ?? '').split(',').map((v) => v.trim());
      checkKey(match[1] ?? '', text);
      for (const v of values) checkValue(v, text);
      const operator = match[2] as 'in' | 'notin';
      requirements.push({ key: match[1] ?? '', operator, values });
      continue;
    }
    match = /^([^\s=!<>(),]+)\s*(==|=|!=|>|<)\s*([^\s=!<>(),]*)$/.exec(part);
    if (match) {
      const op = match[2] ?? '';
      const value = match[3] ?? '';
      checkKey(match[1] ?? '', text);
      if (op === '>' || op === '<') {
        if (!/^-?\d+$/.test(value))
          parseError(text, `for 'Gt', 'Lt' operators, the value must be an integer`);
        requirements.push({
          key: match[1] ?? '',
          operator: op === '>' ? 'gt' : 'lt',
          values: [value],
        });
      } else {
        checkValue(value, text);
        requirements.push({
          key: match[1] ?? '',
          operator: op === '!=' ? '!=' : '=',
          values: [value],
        });
      }
      continue;
    }
    match = /^([^\s=!<>(),]+)$/.exec(part);
    if (match) {
      checkKey(match[1] ?? '', text);
      requirements.push({ key: match[1] ?? '', operator: 'exists', values: [] });
      continue;
    }
    parseError(
      text,
      `found '${part}', expected: identifier, '!', 'in', 'notin', '=', '==' or '!='`,
    );
  }
  return requirements;
}

/** Whether `labels` satisfy every requirement. */
export function labelsMatch(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const have = labels ?? {};
  return requirements.every((r) => {
    const present = Object.prototype.hasOwnProperty.call(have, r.key);
    const value = have[r.key];
    switch (r.operator) {
      case 'exists':
        return present;
      case '!':
        return !present;
      case '=':
        return present && value === r.values[0];
      case '!=':
        return !present || value !== r.values[0];
      case 'in':
        return present && r.values.includes(value ?? '');
      case 'notin':
        return !present || !r.values.includes(value ?? '');
      case 'gt':
      case 'lt': {
        if (!present || value === undefined || !/^-?\d+$/.test(value)) return false;
        const a = Number(value);
        const b = Number(r.values[0]);
        return r.operator === 'gt' ? a > b : a < b;
      }
    }
  });
}

/** A requirement on a field, from a `fieldSelector` parameter. */
export interface FieldRequirement {
  field: string;
  equal: boolean;
  value: string;
}

// Field selector values escape `\`, `,` and `=` with a backslash.
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i += 1;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Parses a `fieldSelector` and checks each field is one the real server supports for `def`. */
export function parseFieldSelector(text: string | undefined, def: ResourceDef): FieldRequirement[] {
  if (!text || !text.trim()) return [];
  const requirements: FieldRequirement[] = [];
  for (const part of splitUnescaped(text, ',')) {
    const match = /^([^=!]+?)(==|=|!=)(.*)$/s.exec(part.trim());
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = (match[1] ?? '').trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !(field in def.fields)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    requirements.push({ field, equal: match[2] !== '!=', value: unescape(match[3] ?? '') });
  }
  return requirements;
}

/** The value of a selectable field of `obj`. */
export function fieldValue(obj: KubeObject, field: string, def: ResourceDef): string | undefined {
  if (field === 'metadata.name') return obj.metadata?.name;
  if (field === 'metadata.namespace') return def.namespaced ? (obj.metadata?.namespace ?? '') : '';
  return def.fields[field]?.(obj);
}

/** A matcher for both selectors together. */
export function selectorMatcher(
  labels: readonly LabelRequirement[],
  fields: readonly FieldRequirement[],
  def: ResourceDef,
): Matcher {
  return (obj) =>
    labelsMatch(labels, obj.metadata?.labels) &&
    fields.every((f) => (fieldValue(obj, f.field, def) === f.value) === f.equal);
}
