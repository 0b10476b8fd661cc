import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedOutput, RawOutput } from '../../src/providers/types.js';
import { adapterFor } from '../../src/providers/types.js';
import { captureFixture, parseContext, stdoutFixture } from './fixtures.js';

const MOCK_TEXT = 'MOCK_OK: hello from the mock model.';
const parse = (raw: RawOutput, model?: string): ParsedOutput =>
  adapterFor('codex').parse(raw, parseContext({ type: 'codex', ...(model ? { model } : {}) }));

const cases: Array<{ name: string; raw: () => RawOutput; expect: Partial<ParsedOutput> & { messageIncludes?: string } }> = [
  {
    name: 'a plain exec run',
    raw: () => stdoutFixture('codex', 'success-exec-json.jsonl'),
    expect: { ok: true, text: MOCK_TEXT, usd: null, tokens: { input: 1200, output: 25, cached: 300 }, sessionId: '01a20db2-5182-7373-9906-3a4a05290385' },
  },
  { name: 'a non-fatal error item before the turn', raw: () => stdoutFixture('codex', 'success-exec-json-flags.jsonl'), expect: { ok: true, text: MOCK_TEXT } },
  { name: 'the bypass sandbox run', raw: () => stdoutFixture('codex', 'success-exec-json-bypass.jsonl'), expect: { ok: true, text: MOCK_TEXT } },
  {
    name: 'tool items: the text is the last agent_message',
    raw: () => stdoutFixture('codex', 'handmade-success-exec-tools.jsonl'),
    expect: { ok: true, text: 'Added src/hello.ts and the tests pass.', tokens: { input: 24763, output: 122, cached: 24448 } },
  },
  {
    name: 'a completed turn whose commands failed is still a finished turn (the gate judges the work)',
    raw: () => stdoutFixture('codex', 'handmade-error-exec-failed-command.jsonl'),
    expect: { ok: true, text: 'The tests fail and the patch did not apply; see above.' },
  },
  {
    name: 'a resumed thread reports cumulative usage under the same thread id',
    raw: () => stdoutFixture('codex', 'success-resume-second-json.jsonl'),
    expect: { ok: true, tokens: { input: 2400, output: 50, cached: 600 }, sessionId: '01a20db2-ec8b-7210-b446-d96984b04b0d' },
  },
  { name: 'the real capture with stderr noise', raw: () => captureFixture('codex', 'mock-exec-json.txt'), expect: { ok: true, text: MOCK_TEXT } },
  { name: 'the prompt read from stdin (-)', raw: () => captureFixture('codex', 'mock-stdin-dash-json.txt'), expect: { ok: true, text: MOCK_TEXT } },
  {
    name: 'HTTP 429 after retries',
    raw: () => stdoutFixture('codex', 'error-429-json.jsonl', 1),
    expect: { ok: false, errorKind: 'rate-limit', errorMessage: 'exceeded retry limit, last status: 429 Too Many Requests', sessionId: '01a20db2-5b77-71b2-8df1-4943fcaaff19' },
  },
  { name: 'HTTP 401', raw: () => stdoutFixture('codex', 'error-401-json.jsonl', 1), expect: { ok: false, errorKind: 'auth', messageIncludes: '401 Unauthorized' } },
  { name: 'HTTP 500', raw: () => stdoutFixture('codex', 'error-500-json.jsonl', 1), expect: { ok: false, errorKind: 'api', messageIncludes: 'high demand' } },
  { name: '--full-auto is refused by 0.169', raw: () => captureFixture('codex', 'unauth-exec-full-auto.txt'), expect: { ok: false, errorKind: 'exit', messageIncludes: "unexpected argument '--full-auto' found" } },
  { name: '--effort is refused', raw: () => captureFixture('codex', 'unauth-exec-bad-flag.txt'), expect: { ok: false, errorKind: 'exit', messageIncludes: "'--effort'" } },
  { name: 'a non-git cwd without --skip-git-repo-check', raw: () => captureFixture('codex', 'unauth-exec-json-nongit.txt'), expect: { ok: false, errorKind: 'exit', messageIncludes: 'Not inside a trusted directory' } },
  { name: 'blocked on an open stdin pipe until killed', raw: () => captureFixture('codex', 'unauth-open-stdin-pipe.txt'), expect: { ok: false, errorKind: 'timeout' } },
  {
    name: 'no credentials: retries forever until the deadline, and the message says why',
    raw: () => captureFixture('codex', 'unauth-exec-json-long.txt'),
    expect: { ok: false, errorKind: 'timeout', messageIncludes: 'waiting for network', sessionId: '01a20da6-73be-7233-aca6-7dda852a5653' },
  },
  {
    name: 'killed by the deadline while retrying a 429',
    raw: () => {
      const lines = stdoutFixture('codex', 'error-429-json.jsonl').stdout.split('\n').slice(0, 5).join('\n');
      return { stdout: lines, stderr: '', exitCode: null, signal: 'SIGTERM', timedOut: true, durationMs: 5 };
    },
    expect: { ok: false, errorKind: 'rate-limit' },
  },
  {
    name: 'exit 0 without turn.completed is unreadable output',
    raw: () => ({ stdout: '{"type":"thread.started","thread_id":"x"}\n{"type":"turn.started"}\n', stderr: '', exitCode: 0, signal: null, timedOut: false, durationMs: 5 }),
    expect: { ok: false, errorKind: 'bad-output' },
  },
];

for (const c of cases) {
  test(`codex parser: ${c.name}`, () => {
    const parsed = parse(c.raw());
    const { messageIncludes, ...fields } = c.expect;
    for (const [key, value] of Object.entries(fields)) assert.deepEqual(parsed[key as keyof ParsedOutput], value, key);
    if (messageIncludes) assert.ok(parsed.errorMessage?.includes(messageIncludes), `errorMessage: ${parsed.errorMessage}`);
  });
}

test('codex parser: the model is the configured one (codex does not report it) and dollars are left to the price table', () => {
  const parsed = parse(stdoutFixture('codex', 'success-exec-json.jsonl'), 'gpt-5');
  assert.equal(parsed.model, 'gpt-5');
  assert.equal(parsed.usd, null);
});
