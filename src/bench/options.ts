/**
 * `loop bench` settings from its flags (pure): a bad value is one line naming the flag and what it
 * takes (a UserError, exit 2).
 */
import { UserError } from '../util/errors.js';

export type LatencySpec = { kind: 'fixed'; ms: number } | { kind: 'lognormal'; medianMs: number; sigma: number };
export type TestsSpec = { kind: 'synthetic'; ms: number } | { kind: 'command'; command: string };

export interface SweepSettings {
  tasks: number;
  roles: number;
  parallel: number[];
  latency: LatencySpec;
  tests: TestsSpec;
  repoFiles: number;
}

/** `2s`, `500ms`, `0.5s`, `1m` or a bare number of seconds, in ms. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new UserError(`${flag} ${text}: expected a duration like 2s, 500ms or 1.5m`);
  const value = Number(match[1]);
  return Math.round(match[2] === 'ms' ? value : match[2] === 'm' ? value * 60_000 : value * 1000);
}

export function parseLatency(text: string): LatencySpec {
  const [kind, rest = ''] = splitOnce(text.trim(), ':');
  if (kind === 'fixed') return { kind: 'fixed', ms: parseDuration(rest, '--latency fixed:') };
  if (kind === 'lognormal') {
    const [median = '', sigma = ''] = rest.split(',');
    const s = Number(sigma);
    if (!Number.isFinite(s) || s < 0 || sigma.trim() === '') throw new UserError(`--latency ${text}: expected lognormal:MEDIAN,SIGMA, e.g. lognormal:2s,0.5`);
    return { kind: 'lognormal', medianMs: parseDuration(median, '--latency lognormal:'), sigma: s };
  }
  throw new UserError(`--latency ${text}: expected fixed:DURATION (e.g. fixed:2s) or lognormal:MEDIAN,SIGMA (e.g. lognormal:2s,0.5)`);
}

export function parseTests(text: string): TestsSpec {
  const trimmed = text.trim();
  if (trimmed === '') throw new UserError('--tests: expected a test command or synthetic:DURATION (e.g. synthetic:0.5s)');
  if (trimmed.startsWith('synthetic:')) return { kind: 'synthetic', ms: parseDuration(trimmed.slice('synthetic:'.length), '--tests synthetic:') };
  return { kind: 'command', command: trimmed };
}

export function parseParallel(text: string): number[] {
  const values = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
    throw new UserError(`--parallel ${text}: expected a comma-separated list of whole numbers from 1 to 64, e.g. 1,2,4,8`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

export function positiveInt(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UserError(`${flag} ${value}: expected a whole number from 1 to ${max}`);
  return n;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}
