import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOfExit } from '../../src/providers/gemini-parse.js';
import type { ParsedOutput, RawOutput } from '../../src/providers/types.js';
import { adapterFor } from '../../src/providers/types.js';
import { captureFixture, parseContext, stdoutFixture } from './fixtures.js';

const MOCK_TEXT = 'MOCK_OK: hello from the mock model.';
const parse = (raw: RawOutput): ParsedOutput => adapterFor('gemini').parse(raw, parseContext({ type: 'gemini' }));

const cases: Array<{ name: string; raw: () => RawOutput; expect: Partial<ParsedOutput> & { messageIncludes?: string } }> = [
  {
    name: 'json mode with the auto router: every model counted, the main one named',
    raw: () => stdoutFixture('gemini', 'success-json.json'),
    expect: { ok: true, text: MOCK_TEXT, usd: null, tokens: { input: 1700, output: 47, cached: 300 }, model: 'gemini-3.8-flash', sessionId: 'a1d5c3bb-61ca-4c9b-adba-201352f5acc9' },
  },
  {
    name: 'json mode with -m',
    raw: () => stdoutFixture('gemini', 'success-model-json.json'),
    expect: { ok: true, tokens: { input: 1200, output: 35, cached: 300 }, model: 'gemini-2.5-pro', sessionId: '1505d149-a82a-48cd-972c-5172025e191e' },
  },
  { name: 'json mode after a tool call', raw: () => stdoutFixture('gemini', 'success-tool-yolo-json.json'), expect: { ok: true, text: MOCK_TEXT, tokens: { input: 2400, output: 70, cached: 600 } } },
  { name: 'the real json capture with stderr noise', raw: () => captureFixture('gemini', 'mock-json.txt'), expect: { ok: true, text: MOCK_TEXT } },
  { name: 'stdin put before -p', raw: () => captureFixture('gemini', 'mock-stdin-plus-p-json.txt'), expect: { ok: true, text: MOCK_TEXT } },
  {
    name: 'stream-json: assistant deltas, result stats',
    raw: () => stdoutFixture('gemini', 'success-stream-json.jsonl'),
    expect: { ok: true, text: MOCK_TEXT, tokens: { input: 1700, output: 37, cached: 300 }, model: 'gemini-3.8-flash', sessionId: 'ea5378f4-38f9-4f20-9cc4-9255121dc7cf' },
  },
  { name: 'stream-json with a tool call', raw: () => stdoutFixture('gemini', 'success-tool-yolo-stream-json.jsonl'), expect: { ok: true, text: MOCK_TEXT, model: 'gemini-2.5-pro' } },
  {
    name: 'stream-json with a failed tool and a warning: the answer after the tool call',
    raw: () => stdoutFixture('gemini', 'handmade-stream-json-tool-error-and-warning.jsonl'),
    expect: { ok: true, text: 'The tests fail.', tokens: { input: 2400, output: 50, cached: 600 } },
  },
  {
    name: 'stream-json 429: a result line with status error, exit 173',
    raw: () => captureFixture('gemini', 'mock-error-429-stream-json.txt'),
    expect: { ok: false, errorKind: 'rate-limit', messageIncludes: 'Resource has been exhausted', sessionId: '8003125f-01a1-48cb-9d22-9accad8152ed' },
  },
  {
    name: 'json 429: the error object is on stderr after the stack traces',
    raw: () => captureFixture('gemini', 'mock-error-429-json.txt'),
    expect: { ok: false, errorKind: 'rate-limit', errorMessage: 'Resource has been exhausted (e.g. check quota). (mock)', sessionId: '084ffdd8-d627-4505-bea9-0ff78a7d1161' },
  },
  {
    name: 'json bad key: HTTP 400, exit 144',
    raw: () => captureFixture('gemini', 'mock-error-401-json.txt'),
    expect: { ok: false, errorKind: 'auth', errorMessage: 'API key not valid. Please pass a valid API key. (mock)' },
  },
  { name: 'json 500: exit 244', raw: () => captureFixture('gemini', 'mock-error-500-json.txt'), expect: { ok: false, errorKind: 'api', errorMessage: 'Internal error encountered. (mock)' } },
  { name: 'no credentials (json): exit 41', raw: () => captureFixture('gemini', 'unauth-json.txt'), expect: { ok: false, errorKind: 'auth', messageIncludes: 'Please set an Auth method' } },
  { name: 'no credentials (stream-json): plain text on stderr', raw: () => captureFixture('gemini', 'unauth-stream-json.txt'), expect: { ok: false, errorKind: 'auth', messageIncludes: 'Please set an Auth method' } },
  { name: 'no credentials with yolo noise first', raw: () => captureFixture('gemini', 'unauth-yolo-skip-trust.txt'), expect: { ok: false, errorKind: 'auth' } },
  { name: 'an untrusted folder: exit 55', raw: () => captureFixture('gemini', 'mock-tool-untrusted-yolo-json.txt'), expect: { ok: false, errorKind: 'permission', messageIncludes: 'not running in a trusted directory' } },
  { name: 'an unknown flag', raw: () => captureFixture('gemini', 'unauth-bad-flag.txt'), expect: { ok: false, errorKind: 'exit', messageIncludes: 'Unknown arguments: such-flag, suchFlag' } },
  { name: 'offline (json): a network error is an API failure', raw: () => captureFixture('gemini', 'offline-bogus-key-json.txt'), expect: { ok: false, errorKind: 'api', errorMessage: 'exception TypeError: fetch failed sending request' } },
  { name: 'offline (stream-json)', raw: () => captureFixture('gemini', 'offline-bogus-key-stream-json.txt'), expect: { ok: false, errorKind: 'api', messageIncludes: 'fetch failed' } },
  {
    name: 'killed by the deadline while retrying a 429',
    raw: () => {
      const capture = captureFixture('gemini', 'mock-error-429-json.txt');
      const stderr = capture.stderr.slice(0, capture.stderr.indexOf('Attempt 5'));
      return { stdout: '', stderr, exitCode: null, signal: 'SIGTERM', timedOut: true, durationMs: 5 };
    },
    expect: { ok: false, errorKind: 'rate-limit' },
  },
];

for (const c of cases) {
  test(`gemini parser: ${c.name}`, () => {
    const parsed = parse(c.raw());
    const { messageIncludes, ...fields } = c.expect;
    for (const [key, value] of Object.entries(fields)) assert.deepEqual(parsed[key as keyof ParsedOutput], value, key);
    if (messageIncludes) assert.ok(parsed.errorMessage?.includes(messageIncludes), `errorMessage: ${parsed.errorMessage}`);
  });
}

test('gemini exit codes: fatal errors by number, API errors by HTTP status mod 256', () => {
  const table: Array<[number | null, string | undefined]> = [
    [41, 'auth'], [42, 'exit'], [44, 'permission'], [52, 'exit'], [53, 'exit'], [54, 'exit'], [55, 'permission'], [130, 'crash'],
    [144, undefined /* 400: the message decides */], [145, 'auth'], [147, 'auth'], [173, 'rate-limit'], [244, 'api'], [247, 'api'],
    [0, undefined], [1, undefined], [null, undefined],
  ];
  for (const [code, kind] of table) assert.equal(kindOfExit(code), kind, `exit ${code}`);
});
