/**
 * The shared transcript decoder against the real captured outputs of the pinned CLIs
 * (test/fixtures/providers), and through the transcript writer the agent runner uses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { decodeLine, decodeTranscript, formatEntry, newDecoder, summarizeInput, type TranscriptEntry } from '../../protocol/transcript.js';
import { Transcript } from '../../src/providers/transcript.js';
import { captureFixture, fixtureText } from '../providers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const CAPTURED: Array<{ cli: string; file: string; entries: TranscriptEntry[] }> = [
  {
    cli: "claude", file: "success-stream-json.jsonl",
    entries: [
      {kind: "meta",text: "claude · model claude-opus-5-5 · session dc87c745"},
      {kind: "assistant",text: "MOCK_OK: hello from the mock model."},
      {kind: "done",ok: true,text: "done · 1 turn · $0.0054 · 152 ms"},
    ],
  },
  {
    cli: "claude", file: "success-tool-bypass-stream-json.jsonl",
    entries: [
      {kind: "meta",text: "claude · model claude-opus-5-5 · session 65764436"},
      {kind: "tool",name: "Bash",text: "echo mock > mock-output.txt"},
      {kind: "tool-result",ok: true,text: "(Bash completed with no output)"},
      {kind: "assistant",text: "MOCK_OK: hello from the mock model."},
      {kind: "done",ok: true,text: "done · 2 turns · $0.0107 · 343 ms"},
    ],
  },
  {
    cli: "claude", file: "error-429-stream-json.jsonl",
    entries: [
      {kind: "meta",text: "claude · model claude-opus-5-5 · session b9dec19f"},
      {kind: "warning",text: "API retry 1/1 in 1.1s (429 rate_limit)"},
      {kind: "assistant",text: "API Error: Request rejected (429) · This request would exceed the rate limit for your organization (mock)."},
      {kind: "done",ok: false,text: "failed (api_error) · 1 turn · $0.0000 · 1.3s"},
    ],
  },
  {
    cli: "claude", file: "handmade-stream-json-rate-limit-event.jsonl",
    entries: [
      {kind: "warning",text: "rate limit: allowed_warning (91% of the five_hour limit)"},
      {kind: "warning",text: "API retry 1/10 in 1.0s (429 rate_limit)"},
    ],
  },
  {
    cli: "claude", file: "error-max-turns-json.json",
    entries: [
      {kind: "done",ok: false,text: "failed (max_turns) · 2 turns · $0.0054 · 220 ms"},
    ],
  },
  {
    cli: "codex", file: "success-exec-json.jsonl",
    entries: [
      {kind: "meta",text: "codex · thread 01a20db2"},
      {kind: "assistant",text: "MOCK_OK: hello from the mock model."},
      {kind: "done",ok: true,text: "done · 1,200 in (300 cached) / 25 out tokens"},
    ],
  },
  {
    cli: "codex", file: "handmade-success-exec-tools.jsonl",
    entries: [
      {kind: "meta",text: "codex · thread 01a20db2"},
      {kind: "thinking",text: "**Inspecting the repository layout**"},
      {kind: "tool",name: "shell",text: "ls"},
      {kind: "tool-result",ok: true,text: "exit 0: README.md\nsrc"},
      {kind: "meta",text: "todo 0/2: · Add src/hello.ts  · Run the tests"},
      {kind: "tool",name: "edit",text: "add /home/dev/repo/src/hello.ts"},
      {kind: "meta",text: "todo 1/2: ✓ Add src/hello.ts  · Run the tests"},
      {kind: "tool",name: "shell",text: "npm test"},
      {kind: "tool-result",ok: true,text: "exit 0: 1 passed, 0 failed"},
      {kind: "meta",text: "todo 2/2: ✓ Add src/hello.ts  ✓ Run the tests"},
      {kind: "assistant",text: "Added src/hello.ts and the tests pass."},
      {kind: "done",ok: true,text: "done · 24,763 in (24,448 cached) / 122 out tokens"},
    ],
  },
  {
    cli: "codex", file: "handmade-error-exec-failed-command.jsonl",
    entries: [
      {kind: "meta",text: "codex · thread 01a20db2"},
      {kind: "tool",name: "shell",text: "npm test"},
      {kind: "tool-result",ok: false,text: "exit 1: 0 passed, 1 failed"},
      {kind: "error",text: "patch failed: update /home/dev/repo/src/hello.ts"},
      {kind: "assistant",text: "The tests fail and the patch did not apply; see above."},
      {kind: "done",ok: true,text: "done · 18,211 in (17,920 cached) / 88 out tokens"},
    ],
  },
  {
    cli: "codex", file: "error-429-json.jsonl",
    entries: [
      {kind: "meta",text: "codex · thread 01a20db2"},
      {kind: "warning",text: "Reconnecting... 1/5 (exceeded retry limit, last status: 429 Too Many Requests)"},
      {kind: "warning",text: "Reconnecting... 2/5 (exceeded retry limit, last status: 429 Too Many Requests)"},
      {kind: "warning",text: "Reconnecting... 3/5 (exceeded retry limit, last status: 429 Too Many Requests)"},
      {kind: "warning",text: "Reconnecting... 4/5 (exceeded retry limit, last status: 429 Too Many Requests)"},
      {kind: "warning",text: "Reconnecting... 5/5 (exceeded retry limit, last status: 429 Too Many Requests)"},
      {kind: "error",text: "exceeded retry limit, last status: 429 Too Many Requests"},
      {kind: "done",ok: false,text: "exceeded retry limit, last status: 429 Too Many Requests"},
    ],
  },
  {
    cli: "gemini", file: "success-stream-json.jsonl",
    entries: [
      {kind: "meta",text: "gemini · model auto · session ea5378f4"},
      {kind: "assistant",text: "MOCK_OK: hello from the mock model.",delta: true},
      {kind: "done",ok: true,text: "done · 1,747 tokens · 67 ms"},
    ],
  },
  {
    cli: "gemini", file: "success-tool-yolo-stream-json.jsonl",
    entries: [
      {kind: "meta",text: "gemini · model gemini-2.5-pro · session ca4de1f6"},
      {kind: "tool",name: "run_shell_command",text: "echo mock > mock-output.txt"},
      {kind: "tool-result",ok: true,text: ""},
      {kind: "assistant",text: "MOCK_OK: hello from the mock model.",delta: true},
      {kind: "done",ok: true,text: "done · 1 tool call · 2,470 tokens · 314 ms"},
    ],
  },
  {
    cli: "gemini", file: "handmade-stream-json-tool-error-and-warning.jsonl",
    entries: [
      {kind: "meta",text: "gemini · model gemini-2.5-pro · session e32b9ceb"},
      {kind: "tool",name: "run_shell_command",text: "npm test"},
      {kind: "tool-result",ok: false,text: "0 passed, 1 failed — Command exited with code 1"},
      {kind: "warning",text: "Agent execution blocked: hook denied the tool call"},
      {kind: "assistant",text: "The tests fail.",delta: true},
      {kind: "done",ok: true,text: "done · 1 tool call · 2,470 tokens · 2.3s"},
    ],
  },
  {
    cli: "gemini", file: "error-429-stream-json.jsonl",
    entries: [
      {kind: "meta",text: "gemini · model gemini-2.5-pro · session 8003125f"},
      {kind: "done",ok: false,text: "[API Error: Resource has been exhausted (e.g. check quota). (mock)]\nPlease wait and try again later. To increase your limits, request a quota increase through AI Studio, or switch to another /auth method · 0 tokens · 0 ms"},
    ],
  },
];

for (const { cli, file, entries } of CAPTURED) {
  test(`${cli}/${file} decodes into readable entries`, () => {
    assert.deepEqual(decodeTranscript(fixtureText(cli, file)), entries);
  });
}

test('fed line by line (as a follower reads them), the entries are the same as for the whole file', () => {
  for (const { cli, file } of CAPTURED) {
    const state = newDecoder();
    const entries = fixtureText(cli, file).split('\n').flatMap((line) => decodeLine(state, line));
    assert.deepEqual(entries, decodeTranscript(fixtureText(cli, file)), `${cli}/${file}`);
  }
});

async function writtenTranscript(t: test.TestContext, argv: string[], stdout: string, stderr: string): Promise<string> {
  const file = join(tempDir(t), 't1.1.log');
  const transcript = new Transcript(file, { command: argv[0]!, args: argv.slice(1), env: {}, cwd: '/work/slot-1', stdin: null });
  transcript.write('stdout', stdout);
  transcript.write('stderr', stderr);
  await transcript.close('exit code=1 signal=null timedOut=false durationMs=3400');
  return readFileSync(file, 'utf8');
}

test('a transcript file as the agent runner writes it: the argv, stdout events, stderr without stack frames, the exit', async (t) => {
  const capture = captureFixture('gemini', 'mock-error-429-stream-json.txt');
  const text = await writtenTranscript(t, ['gemini', '-p', 'Say hello', '--output-format', 'stream-json', '--skip-trust'], capture.stdout, capture.stderr);
  const entries = decodeTranscript(text);
  assert.deepEqual(entries[0], { kind: 'meta', text: '$ gemini -p \'Say hello\' --output-format stream-json --skip-trust' });
  assert.deepEqual(entries[1], { kind: 'meta', text: 'gemini · model gemini-2.5-pro · session 8003125f' });
  assert.equal(entries.filter((e) => e.kind === 'done' && !e.ok).length, 1);
  const stderr = entries.filter((e) => e.kind === 'stderr').map((e) => e.text);
  assert.ok(stderr.some((line) => line.startsWith('Attempt 1 failed with status 429')));
  assert.ok(!stderr.some((line) => /^\s+at /.test(line)), 'stack frames are left to the raw log');
  assert.deepEqual(entries.at(-1), { kind: 'meta', text: 'exit 1 after 3.4s' });
});

test('the argv header names the dialect, so a claude --output-format json result alone is still decoded', async (t) => {
  const text = await writtenTranscript(t, ['/usr/local/bin/claude', '-p', 'x', '--output-format', 'json'], fixtureText('claude', 'error-budget-json.json'), '');
  assert.deepEqual(decodeTranscript(text).filter((e) => e.kind === 'done'), [{ kind: 'done', ok: false, text: 'failed (budget_exhausted) · 1 turn · $0.0054 · 330 ms' }]);
});

test('plain-text agents (sim, command) are text lines; loop\'s own "#" lines are meta', () => {
  const text = '# loop agent transcript 2026-12-04T10:00:00.000Z\n# built-in sim agent (no CLI) · t1 attempt 1: Add subtract\nreading math.js\nnot { json\n{"answer": 42}\n[stderr] warning: slow disk\n# done in 0.4s · $0.00\n';
  assert.deepEqual(decodeTranscript(text), [
    { kind: 'meta', text: 'built-in sim agent (no CLI) · t1 attempt 1: Add subtract' },
    { kind: 'text', text: 'reading math.js' },
    { kind: 'text', text: 'not { json' },
    { kind: 'text', text: '{"answer": 42}' },
    { kind: 'stderr', text: 'warning: slow disk' },
    { kind: 'meta', text: 'done in 0.4s · $0.00' },
  ]);
});

test('a tool call is summarised by what it acts on, in one bounded line', () => {
  assert.equal(summarizeInput({ command: 'npm test', description: 'Run the tests' }), 'npm test');
  assert.equal(summarizeInput({ file_path: 'src/math.js', content: 'x'.repeat(5000) }), 'src/math.js');
  assert.equal(summarizeInput({ pattern: 'subtract', path: 'src' }), 'subtract in src');
  assert.equal(summarizeInput({ todos: [{ content: 'a' }] }), '{"todos":[{"content":"a"}]}');
  assert.equal(summarizeInput({ command: 'printf "a\nb"' }), 'printf "a ⏎ b"');
  assert.equal(summarizeInput({ command: 'y'.repeat(500) }).length, 160);
});

test('formatEntry gives every kind a plain one-line form', () => {
  assert.equal(formatEntry({ kind: 'tool', name: 'Bash', text: 'npm test' }), '→ Bash  npm test');
  assert.equal(formatEntry({ kind: 'tool-result', ok: false, text: 'exit 1' }), '✗ exit 1');
  assert.equal(formatEntry({ kind: 'done', ok: true, text: 'done · 2 turns' }), '✓ done · 2 turns');
  assert.equal(formatEntry({ kind: 'thinking', text: 'hmm' }), '(thinking) hmm');
});
