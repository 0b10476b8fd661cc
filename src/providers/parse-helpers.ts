/** Pieces every adapter's `parse` shares: JSON lines, error classification, and "no result" outcomes. */
import type { ErrorKind, Tokens } from '../../protocol/index.js';
import type { RawOutput } from './types.js';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const NO_TOKENS: Tokens = { input: 0, output: 0, cached: 0 };

/** Every line of `text` that is JSON, in order; arrays (claude json + --verbose) are flattened. */
export function jsonLines(text: string): unknown[] {
  const values: unknown[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (Array.isArray(value)) values.push(...(value as unknown[]));
      else values.push(value);
    } catch {
      // progress text or a torn line of a killed process: not ours to parse
    }
  }
  return values;
}

/** The whole text as one JSON value (gemini json mode pretty-prints over many lines). */
export function wholeJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** The last top-level JSON object that ends the text (gemini prints its error object after stack traces). */
export function trailingJsonObject(text: string): Json | undefined {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i]!.startsWith('{')) continue;
    const value = wholeJson(lines.slice(i).join('\n'));
    if (isObject(value)) return value;
  }
  return undefined;
}

/** HTTP status → error kind, for the statuses whose meaning does not depend on the body. */
export function kindOfHttpStatus(status: number | undefined): ErrorKind | undefined {
  if (status === undefined) return undefined;
  if (status === 429) return 'rate-limit';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500 && status <= 599) return 'api';
  return undefined;
}

const RATE_LIMIT_TEXT = /\b429\b|rate[ _-]?limit|too many requests|resource has been exhausted|quota/i;
const AUTH_TEXT = /\b401\b|unauthori[sz]ed|not logged in|invalid api key|api key not valid|incorrect api key|authentication|\/login|auth method/i;
const API_TEXT = /\b5\d\d\b|overloaded|internal (server )?error|high demand|server error|can't reach the api|econnrefused|enotfound/i;

/** Error kind from an error message, for CLIs that only report text. */
export function kindOfErrorText(text: string): ErrorKind | undefined {
  if (RATE_LIMIT_TEXT.test(text)) return 'rate-limit';
  if (AUTH_TEXT.test(text)) return 'auth';
  if (API_TEXT.test(text)) return 'api';
  return undefined;
}

/** The last non-empty lines of some text, for an error message of reasonable size. */
export function lastLines(text: string, count = 3): string {
  const lines = text.split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
  return lines.slice(-count).join('\n');
}

/** The line a CLI's argument parser leads with (`error: unexpected argument …`), else the last lines. */
export function stderrSummary(stderr: string): string {
  const complaint = stderr.split('\n').find((line) => /^(error|Error|ERROR)\b/.test(line));
  return complaint?.trim() ?? lastLines(stderr);
}

/**
 * The outcome when the CLI produced no result we recognise: killed by our deadline (timeout), died
 * on a signal or printed nothing at all (crash), exited non-zero with something on stderr (exit:
 * usually a refused command line or a startup failure), or exited 0 with output we cannot read.
 */
export function failureWithoutResult(raw: RawOutput, cli: string): { errorKind: ErrorKind; errorMessage: string } {
  const stderr = stderrSummary(raw.stderr);
  if (raw.timedOut) return { errorKind: 'timeout', errorMessage: `${cli} did not finish before its deadline (${Math.round(raw.durationMs / 1000)} s)` };
  if (raw.signal !== null) return { errorKind: 'crash', errorMessage: `${cli} was killed by ${raw.signal}${stderr ? `: ${stderr}` : ''}` };
  if (raw.stdout.trim() === '' && raw.stderr.trim() === '') {
    return { errorKind: 'crash', errorMessage: `${cli} exited with code ${raw.exitCode} and printed nothing` };
  }
  if (raw.exitCode !== 0) return { errorKind: 'exit', errorMessage: `${cli} exited with code ${raw.exitCode}${stderr ? `: ${stderr}` : ''}` };
  return { errorKind: 'bad-output', errorMessage: `${cli} exited 0 but printed no result this version of loop understands` };
}
