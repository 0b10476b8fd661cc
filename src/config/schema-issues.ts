/**
 * Turns valibot issues into findings a user can act on: "unknown key "maxParalel" (did you mean
 * "maxParallel"?)", "expected a number, got "two"", "must be a whole number of 1 or more, got 0".
 */
import type { BaseIssue } from 'valibot';
import { closest, didYouMean } from './did-you-mean.js';
import { allowedKeys, describeNumberRule } from './schema-walk.js';
import type { KeyPath } from './source-map.js';

export interface Finding {
  severity: 'error' | 'warning';
  path: KeyPath;
  /** Point at the key itself (unknown or duplicated keys) or at its value. */
  at: 'key' | 'value';
  message: string;
}

/** Keys of the product we replace, with what to write instead. */
const OLD_KEYS: Record<string, string> = {
  loops: 'the old `loops:` list is not used; use the `loop:` block (see docs/config.md)',
  projects: 'the old `projects:` list is not used; put providers, repositories and roles at the top level (see docs/config.md)',
};

const KEY_HINTS: Record<string, string> = {
  budgetUsd: '; omit it for no cap',
};

const REQUIRED_HINTS: Record<string, string> = {
  version: '; add `version: 1` at the top',
  providers: '; add a providers block (`loop init` writes a starter)',
  roles: '; add a roles list (`loop init` writes a starter)',
  provider: '; set it to a key under providers',
  type: '; one of claude, codex, gemini, command, custom, sim',
};

type Issue = BaseIssue<unknown>;

export function describeIssue(issue: Issue): Finding {
  const path: (string | number)[] = (issue.path ?? []).map((item) => item.key as string | number);
  const origin = issue.path?.at(-1)?.origin;
  const last = path.at(-1);
  const key = typeof last === 'string' ? last : '';
  if (issue.type === 'strict_object' && origin === 'key' && issue.expected === 'never') {
    return unknownKeyFinding(path);
  }
  if (issue.type === 'strict_object' && origin === 'key' && issue.received === 'undefined') {
    return { severity: 'error', path, at: 'value', message: `missing required key "${key}"${REQUIRED_HINTS[key] ?? ''}` };
  }
  const found = `got ${describeValue(issue.input)}`;
  // a union that says what it takes in words (`"auto" | seconds`) is clearer than its types
  if (issue.type === 'union' && !issue.message.startsWith('Invalid ')) return { severity: 'error', path, at: 'value', message: `${issue.message}, ${found}` };
  switch (issue.type) {
    case 'integer':
    case 'min_value':
    case 'gt_value':
    case 'max_value':
      return { severity: 'error', path, at: 'value', message: `must be ${describeNumberRule(path)}, ${found}${KEY_HINTS[key] ?? ''}` };
    case 'regex':
      return { severity: 'error', path, at: 'value', message: nameMessage(String(issue.input)) };
    case 'literal': {
      const quoted = typeof issue.input === 'string' && /^\d+$/.test(String(issue.expected)) ? ' (a number: remove the quotes)' : '';
      return { severity: 'error', path, at: 'value', message: `must be ${String(issue.expected)}, ${found}${quoted}` };
    }
    case 'picklist': {
      const options = (issue.expected ?? '').replace(/^\(|\)$/g, '').split(' | ');
      const suggestion = typeof issue.input === 'string' ? didYouMean(issue.input, options.map((o) => JSON.parse(o) as string)) : '';
      return { severity: 'error', path, at: 'value', message: `expected one of ${options.join(', ')}, ${found}${suggestion}` };
    }
    default:
      if (issue.kind === 'schema') {
        return { severity: 'error', path, at: 'value', message: `expected ${describeExpected(issue.expected)}, ${found}` };
      }
      return { severity: 'error', path, at: 'value', message: issue.message };
  }
}

export function unknownKeyFinding(path: KeyPath): Finding {
  return { severity: 'error', path, at: 'key', message: unknownKeyMessage(path) };
}

function unknownKeyMessage(path: KeyPath): string {
  const key = String(path.at(-1));
  const parent = path.slice(0, -1);
  if (parent.length === 0 && OLD_KEYS[key]) return `unknown key "${key}": ${OLD_KEYS[key]}`;
  if (parent.length === 0) {
    const home = (['loop', 'defaults'] as const).find((block) => allowedKeys([block]).includes(key));
    if (home) return `unknown key "${key}" at the top level; it belongs in the \`${home}:\` block`;
  }
  const allowed = allowedKeys(parent);
  const hit = closest(key, allowed);
  if (hit) return `unknown key "${key}" (did you mean "${hit}"?)`;
  const scratch = parent.length === 0 ? ' (or start it with "x-" to keep it as a place for YAML anchors)' : '';
  return `unknown key "${key}"; allowed here: ${allowed.join(', ')}${scratch}`;
}

/** Names become tmux session names and git ref parts, so only a small alphabet works. */
export function nameMessage(value: string): string {
  const rule = 'use 1-64 letters, digits, "-" or "_", starting with a letter or digit';
  if (value.length === 0) return `must not be empty; ${rule}`;
  const bad = [...new Set(value.replace(/[A-Za-z0-9_-]/g, ''))].map((c) => JSON.stringify(c));
  if (bad.length > 0) return `"${value}" has characters tmux or git cannot take (${bad.join(' ')}); ${rule}`;
  if (value.length > 64) return `"${value.slice(0, 20)}…" is longer than 64 characters; ${rule}`;
  return `"${value}" must start with a letter or digit; ${rule}`;
}

function describeExpected(expected: string | null): string {
  switch (expected) {
    case 'number': return 'a number';
    case 'string': return 'a string';
    case 'boolean': return 'true or false';
    case 'Array': return 'a list';
    case 'Object': return 'a mapping (key: value lines)';
    default: return expected ?? 'something else';
  }
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
