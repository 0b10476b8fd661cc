import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Verdict } from '../../protocol/index.js';
import { parseVerdict } from '../../src/providers/verdict.js';

const accepted: Array<[string, string, Verdict]> = [
  [
    'claude: prose, then a fenced block with notes',
    'I read the diff and ran through the criteria.\n\n```json\n{"verdict": "accept", "reasons": [], "notes": [{"criterion": "GET /health returns 200", "met": true, "note": "src/routes.ts:14"}]}\n```',
    { verdict: 'accept', reasons: [], notes: [{ criterion: 'GET /health returns 200', met: true, note: 'src/routes.ts:14' }] },
  ],
  [
    'codex: the bare object as the whole message',
    '{"verdict":"reject","reasons":["src/a.ts:12 swallows the database error"]}',
    { verdict: 'reject', reasons: ['src/a.ts:12 swallows the database error'], notes: [] },
  ],
  [
    'gemini: upper case, a single reason as a string, prose around',
    'Here is my review.\n{"verdict": "REJECT", "reasons": "no test covers the 404 path"}\nLet me know.',
    { verdict: 'reject', reasons: ['no test covers the 404 path'], notes: [] },
  ],
  ['"accepted" and "reason"', '{"verdict": "Accepted", "reason": "meets all criteria"}', { verdict: 'accept', reasons: ['meets all criteria'], notes: [] }],
  ['notes are optional', '{"verdict": "accept"}', { verdict: 'accept', reasons: [], notes: [] }],
  ['a wrapping object', '{"review": {"verdict": "accept", "reasons": []}}', { verdict: 'accept', reasons: [], notes: [] }],
  ['an array holding the verdict', '[{"verdict": "reject", "reasons": ["x"]}]', { verdict: 'reject', reasons: ['x'], notes: [] }],
  ['JSON without a verdict before the verdict', 'Files: {"files": ["a.ts"]}. Verdict: {"verdict": "accept"}', { verdict: 'accept', reasons: [], notes: [] }],
  [
    'malformed notes are dropped, "yes"/"no" are read as booleans',
    '{"verdict": "reject", "reasons": ["a", "", 3], "notes": [{"criterion": "c1", "met": "no"}, {"criterion": "c2"}, "junk", {"criterion": "c3", "met": "yes"}]}',
    { verdict: 'reject', reasons: ['a', '3'], notes: [{ criterion: 'c1', met: false }, { criterion: 'c3', met: true }] },
  ],
];

for (const [name, text, verdict] of accepted) {
  test(`parseVerdict reads ${name}`, () => {
    assert.deepEqual(parseVerdict(text), { ok: true, verdict });
  });
}

const refused: Array<[string, string, RegExp]> = [
  ['prose only', 'Looks good to me, ship it!', /no JSON object with a "verdict"/],
  ['JSON without a verdict', '{"approved": true}', /no JSON object with a "verdict"/],
  ['an unknown verdict', '{"verdict": "maybe", "reasons": []}', /"verdict" must be "accept" or "reject", got "maybe"/],
  ['a non-string verdict', '{"verdict": true}', /got true/],
  ['reasons of the wrong type', '{"verdict": "reject", "reasons": 5}', /"reasons" must be a string or a list/],
  ['the answer format echoed back, which is not JSON', '{"verdict": "accept" | "reject", "reasons": [...]}', /no JSON object/],
];

for (const [name, text, error] of refused) {
  test(`parseVerdict refuses ${name} with a reason to re-ask with`, () => {
    const result = parseVerdict(text);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error, error);
  });
}
