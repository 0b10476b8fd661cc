import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedOutput, Purpose, RawOutput } from '../../src/providers/types.js';
import { adapterFor } from '../../src/providers/types.js';
import { captureFixture, parseContext, stdoutFixture } from './fixtures.js';

const MOCK_TEXT = 'MOCK_OK: hello from the mock model.';
const parse = (raw: RawOutput, purpose: Purpose = 'implement'): ParsedOutput =>
  adapterFor('claude').parse(raw, parseContext({ type: 'claude' }, purpose));

interface Case {
  name: string;
  raw: () => RawOutput;
  purpose?: Purpose;
  expect: Partial<ParsedOutput> & { messageIncludes?: string };
}

const cases: Case[] = [
  {
    name: 'json success',
    raw: () => stdoutFixture('claude', 'success-json.json'),
    expect: { ok: true, text: MOCK_TEXT, usd: 0.005359999999999999, tokens: { input: 1500, output: 25, cached: 300 }, sessionId: '03ed3a69-1d80-418e-b94c-f055a0bde1d1', model: 'claude-opus-5-5' },
  },
  {
    name: 'stream-json success (the result is the last line)',
    raw: () => stdoutFixture('claude', 'success-stream-json.jsonl'),
    expect: { ok: true, text: MOCK_TEXT, usd: 0.005359999999999999, tokens: { input: 1500, output: 25, cached: 300 }, sessionId: 'dc87c745-61b7-45a9-a3e7-494b7c480bf5' },
  },
  {
    name: 'json + --verbose prints an array of messages',
    raw: () => stdoutFixture('claude', 'success-json-verbose-array.json'),
    expect: { ok: true, text: MOCK_TEXT, sessionId: 'afa5a2ca-268f-42b7-9455-49563c47e16d' },
  },
  { name: 'json of 2.1.197 (other key order)', raw: () => stdoutFixture('claude', 'success-json-2.1.197.json'), expect: { ok: true, text: MOCK_TEXT } },
  { name: 'stream-json of 2.1.197', raw: () => stdoutFixture('claude', 'success-stream-json-2.1.197.jsonl'), expect: { ok: true, text: MOCK_TEXT } },
  { name: 'a tool run with bypassed permissions', raw: () => stdoutFixture('claude', 'success-tool-bypass-stream-json.jsonl'), expect: { ok: true, text: MOCK_TEXT } },
  { name: '--model sonnet reports the sonnet model', raw: () => stdoutFixture('claude', 'success-model-effort-json.json'), expect: { ok: true, model: 'claude-sonnet-5-5' } },
  {
    name: 'the second call of a resumed session reports cumulative totals (made per-call by SessionCosts)',
    raw: () => stdoutFixture('claude', 'success-resume-second-json.json'),
    expect: { ok: true, usd: 0.010719999999999999, tokens: { input: 3000, output: 50, cached: 600 }, sessionId: 'f96be10a-903c-4ab1-ab2b-1abca9e18175' },
  },
  {
    name: 'exit 0 with permission denials is not success for an implementer',
    raw: () => stdoutFixture('claude', 'success-tool-default-permissions-json.json'),
    expect: { ok: false, errorKind: 'permission', text: MOCK_TEXT, messageIncludes: 'Bash (echo mock > mock-output.txt)' },
  },
  {
    name: 'a refused write is expected from a read-only reviewer',
    raw: () => stdoutFixture('claude', 'success-tool-default-permissions-json.json'),
    purpose: 'review',
    expect: { ok: true, text: MOCK_TEXT },
  },
  { name: 'API 401', raw: () => stdoutFixture('claude', 'error-401-json.json', 1), expect: { ok: false, errorKind: 'auth', text: 'Invalid API key · Fix external API key', usd: 0 } },
  { name: 'API 429', raw: () => stdoutFixture('claude', 'error-429-json.json', 1), expect: { ok: false, errorKind: 'rate-limit', messageIncludes: 'rate limit' } },
  { name: 'API 429 in stream-json', raw: () => stdoutFixture('claude', 'error-429-stream-json.jsonl', 1), expect: { ok: false, errorKind: 'rate-limit' } },
  { name: 'API 529 overloaded', raw: () => stdoutFixture('claude', 'error-529-json.json', 1), expect: { ok: false, errorKind: 'api', messageIncludes: '529 Overloaded' } },
  {
    name: '--max-budget-usd reached: errors[] holds the reason',
    raw: () => stdoutFixture('claude', 'error-budget-json.json', 1),
    expect: { ok: false, errorKind: 'exit', text: 'Reached maximum budget ($0.001)', usd: 0.005359999999999999 },
  },
  { name: '--max-turns reached', raw: () => stdoutFixture('claude', 'error-max-turns-json.json', 1), expect: { ok: false, errorKind: 'exit', text: 'Reached maximum number of turns (1)' } },
  { name: 'not logged in (json)', raw: () => captureFixture('claude', 'unauth-json.txt'), expect: { ok: false, errorKind: 'auth', text: 'Not logged in · Please run /login' } },
  { name: 'not logged in (stream-json)', raw: () => captureFixture('claude', 'unauth-stream-json-verbose.txt'), expect: { ok: false, errorKind: 'auth' } },
  { name: 'not logged in (text mode)', raw: () => captureFixture('claude', 'unauth-text.txt'), expect: { ok: false, errorKind: 'auth', messageIncludes: 'Not logged in' } },
  { name: 'an unknown flag', raw: () => captureFixture('claude', 'unauth-bad-flag.txt'), expect: { ok: false, errorKind: 'exit', messageIncludes: "error: unknown option '--no-such-flag'" } },
  { name: 'stream-json without --verbose', raw: () => captureFixture('claude', 'unauth-stream-json-no-verbose.txt'), expect: { ok: false, errorKind: 'exit', messageIncludes: 'requires --verbose' } },
  {
    name: 'skipping permissions as root without IS_SANDBOX=1',
    raw: () => captureFixture('claude', 'unauth-skip-permissions-root-no-IS_SANDBOX.txt'),
    expect: { ok: false, errorKind: 'exit', messageIncludes: 'root/sudo' },
  },
  { name: 'killed by the deadline while retrying offline', raw: () => captureFixture('claude', 'offline-bogus-key-stream-json.txt'), expect: { ok: false, errorKind: 'timeout' } },
  {
    name: 'killed by the deadline while retrying a rate limit',
    raw: () => ({ ...stdoutFixture('claude', 'handmade-stream-json-rate-limit-event.jsonl'), exitCode: null, signal: 'SIGTERM', timedOut: true }),
    expect: { ok: false, errorKind: 'rate-limit', sessionId: undefined },
  },
  {
    name: 'plain text output (someone passed --output-format text) is not silently accepted',
    raw: () => stdoutFixture('claude', 'success-text.txt'),
    expect: { ok: false, errorKind: 'bad-output', messageIncludes: 'stream-json' },
  },
  { name: 'killed with no output', raw: () => ({ stdout: '', stderr: '', exitCode: null, signal: 'SIGKILL', timedOut: false, durationMs: 5 }), expect: { ok: false, errorKind: 'crash' } },
  {
    name: 'a success result printed before the process hung on exit still counts',
    raw: () => ({ ...stdoutFixture('claude', 'success-stream-json.jsonl'), exitCode: null, signal: 'SIGTERM', timedOut: true }),
    expect: { ok: true, text: MOCK_TEXT },
  },
];

for (const c of cases) {
  test(`claude parser: ${c.name}`, () => {
    const parsed = parse(c.raw(), c.purpose);
    const { messageIncludes, ...fields } = c.expect;
    for (const [key, value] of Object.entries(fields)) assert.deepEqual(parsed[key as keyof ParsedOutput], value, key);
    if (messageIncludes) assert.ok(parsed.errorMessage?.includes(messageIncludes), `errorMessage: ${parsed.errorMessage}`);
    if (parsed.ok) assert.equal(parsed.errorKind, undefined);
  });
}

test('claude parser: a killed stream-json run is priced from the assistant messages seen so far', () => {
  const full = stdoutFixture('claude', 'success-stream-json.jsonl').stdout.split('\n');
  const withoutResult = full.slice(0, 2).join('\n');
  const parsed = parse({ stdout: withoutResult, stderr: '', exitCode: null, signal: 'SIGTERM', timedOut: true, durationMs: 5 });
  assert.equal(parsed.ok, false);
  assert.equal(parsed.errorKind, 'timeout');
  assert.equal(parsed.usd, null);
  assert.deepEqual(parsed.tokens, { input: 1500, output: 1, cached: 300 });
  assert.equal(parsed.model, 'claude-opus-5-5');
  assert.equal(parsed.sessionId, 'dc87c745-61b7-45a9-a3e7-494b7c480bf5');
});
