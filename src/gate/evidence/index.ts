/**
 * Failure evidence from a test run's output: the failing tests with their assertion messages,
 * then the last lines. It goes word for word into a repair prompt, so it is bounded (a few KB)
 * and keeps what a developer would look at first.
 */
import { parseCargoTest } from './cargo-test.js';
import { parseGoTest } from './go-test.js';
import { parseJest, parseVitest } from './jest.js';
import { parseMocha } from './mocha.js';
import { parseNodeSpec, parseNodeTap } from './node-test.js';
import { parsePytest } from './pytest.js';
import type { FailedTest, OutputParser } from './types.js';

export type { FailedTest } from './types.js';

const PARSERS: OutputParser[] = [parseNodeTap, parseNodeSpec, parseJest, parseVitest, parseMocha, parsePytest, parseGoTest, parseCargoTest];

/** Every failing test any known format reports, in output order per format, names deduplicated. */
export function extractFailures(output: string): FailedTest[] {
  const seen = new Set<string>();
  const failures: FailedTest[] = [];
  for (const parse of PARSERS) {
    let found: FailedTest[];
    try {
      found = parse(output);
    } catch {
      continue; // a parser tripping on an odd format must never hide the tail
    }
    for (const failure of found) {
      if (seen.has(failure.name)) continue;
      seen.add(failure.name);
      failures.push(failure);
    }
  }
  return failures;
}

export interface EvidenceOptions {
  /** One line on top saying what happened (timeout, could not start, exit code). */
  headline: string;
  /** Stripped from absolute paths so locations read `src/x.ts:3`. */
  cwd?: string;
  maxChars?: number;
  tailLines?: number;
}

export function lastLines(output: string, lines: number, maxChars: number): string {
  const all = output.replace(/\s+$/, '').split('\n');
  let text = all.slice(-lines).join('\n');
  if (text.length > maxChars) text = `…${text.slice(text.length - maxChars + 1)}`;
  return text;
}

export function buildEvidence(output: string, failures: FailedTest[], options: EvidenceOptions): string {
  const maxChars = options.maxChars ?? 4000;
  const relative = (text: string) => (options.cwd ? text.split(`${options.cwd}/`).join('') : text);
  const parts: string[] = [options.headline];
  let failureBudget = Math.floor(maxChars * 0.65) - options.headline.length;
  if (failures.length > 0) {
    const blocks: string[] = [`Failing tests (${failures.length}):`];
    let shown = 0;
    for (const failure of failures) {
      const message = relative(failure.message).split('\n').map((line) => `    ${line}`).join('\n');
      const block = message.trim() === '' ? `✗ ${failure.name}` : `✗ ${failure.name}\n${message}`;
      if (block.length > failureBudget && shown > 0) break;
      blocks.push(block.length > failureBudget ? `${block.slice(0, Math.max(0, failureBudget - 3))}...` : block);
      failureBudget -= block.length + 1;
      shown++;
    }
    if (shown < failures.length) blocks.push(`… and ${failures.length - shown} more failing tests: ${failures.slice(shown).map((f) => f.name).join(', ').slice(0, 300)}`);
    parts.push(blocks.join('\n'));
  }
  const used = parts.join('\n\n').length;
  const tailBudget = Math.max(600, maxChars - used - 30);
  // with failures found, the tail only needs the runner's summary lines
  const tail = relative(lastLines(output, options.tailLines ?? (failures.length > 0 ? 12 : 40), tailBudget));
  if (tail.trim() !== '') parts.push(`Last lines of output:\n${tail}`);
  return parts.join('\n\n');
}
