import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractJson, jsonCandidates } from '../../src/providers/extract-json.js';

const cases: Array<[string, string, unknown]> = [
  ['a fenced json block', 'Here it is:\n```json\n{"a": 1}\n```\nThanks.', { a: 1 }],
  ['a fenced block wins over bare JSON before it', '{"x": 0} and the answer:\n```json\n{"a": 1}\n```', { a: 1 }],
  ['an upper-case JSON fence', '```JSON\n[1, 2]\n```', [1, 2]],
  ['a fence without a language', 'plan:\n```\n{"tasks": []}\n```', { tasks: [] }],
  ['bare JSON amid prose', 'I think {"verdict":"accept","reasons":[]} is right.', { verdict: 'accept', reasons: [] }],
  ['pretty-printed JSON over many lines', 'Result:\n{\n  "a": {\n    "b": [1, 2]\n  }\n}\nend', { a: { b: [1, 2] } }],
  ['brackets inside strings do not end the value', 'x {"a": "}{][", "b": "q\\"}"} y', { a: '}{][', b: 'q"}' }],
  ['an invalid object is skipped for a later valid one', '{not json} then {"ok": true}', { ok: true }],
  ['a valid object nested in an invalid one is found', '{oops {"ok": true}}', { ok: true }],
  ['an invalid json fence falls back to the text', '```json\n{bad}\n```\n{"a": 1}', { a: 1 }],
  ['code in another language is not JSON', '```ts\nconst x = {a: 1};\n```', undefined],
  ['the first balanced value in order, array or object', 'see [1] and {"a": 2}', [1]],
  ['no JSON at all', 'All good, nothing to report.', undefined],
  ['unbalanced brackets', '{{{{ [[[', undefined],
  ['empty text', '', undefined],
];

for (const [name, text, expected] of cases) {
  test(`extractJson: ${name}`, () => {
    assert.deepEqual(extractJson(text), expected);
  });
}

test('jsonCandidates lists fenced values first, then bare ones in order', () => {
  const text = '{"bare": 1} ```json\n{"fenced": 2}\n``` [3]';
  assert.deepEqual([...jsonCandidates(text)], [{ fenced: 2 }, { bare: 1 }, { fenced: 2 }, [3]]);
});
