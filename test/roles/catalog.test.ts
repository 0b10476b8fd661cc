import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { DISCIPLINES } from '../../src/roles/disciplines.js';
import {
  disciplineDataDir, getDiscipline, listDisciplines, loadDisciplines, parseDisciplineFile, suggestDiscipline,
} from '../../src/roles/catalog.js';
import { tempDir } from '../helpers/temp.js';

test('listDisciplines returns the 27 disciplines in the order of disciplines.ts', () => {
  const list = listDisciplines();
  assert.deepEqual(list.map((d) => d.name), DISCIPLINES.map((d) => d.name));
  assert.equal(listDisciplines(), list, 'the second call returns the cached list');
});

test('a discipline prompt is the body without its front matter', () => {
  const dba = getDiscipline('dba');
  assert.ok(dba);
  assert.equal(dba.title, 'Database Engineer');
  assert.equal(dba.provider, 'codex');
  assert.ok(dba.prompt.startsWith('## Who you are\n'));
  assert.doesNotMatch(dba.prompt, /^---$|^summary:/m);
});

test('an unknown discipline name gives undefined', () => {
  assert.equal(getDiscipline('backend-ish'), undefined);
  assert.equal(getDiscipline(''), undefined);
});

function copyOfData(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t, 'loop-roles-data-');
  cpSync(disciplineDataDir(), dir, { recursive: true });
  return dir;
}

test('a missing data file throws an error naming the file', (t) => {
  const dir = copyOfData(t);
  rmSync(join(dir, 'sre.md'));
  assert.throws(() => loadDisciplines(dir), (error: Error) => error.message.includes(join(dir, 'sre.md')));
});

test('a data file whose front matter disagrees with disciplines.ts throws naming the file', (t) => {
  const dir = copyOfData(t);
  const file = join(dir, 'dba.md');
  writeFileSync(file, readFileSync(file, 'utf8').replace('provider: codex', 'provider: gemini'));
  assert.throws(() => loadDisciplines(dir), (error: Error) => error.message.includes(file) && error.message.includes('disagrees'));
});

const body = '## Who you are\n\nx\n\n## How you work\n\n1. y\n\n## Definition of done\n\n- z\n\n## Guardrails\n\n- w\n';
const malformed: Array<[string, string, RegExp]> = [
  ['no front matter', body, /front matter/],
  ['unterminated front matter', `---\nname: a\n${body}`, /front matter/],
  ['invalid YAML', `---\nname: [a\n---\n${body}`, /not valid YAML/],
  ['a missing summary', `---\nname: a\ntitle: A\nprovider: claude\n---\n${body}`, /summary/],
  ['an unknown provider', `---\nname: a\ntitle: A\nprovider: gpt\nsummary: s\n---\n${body}`, /provider/],
  ['an unexpected key', `---\nname: a\ntitle: A\nprovider: claude\nsummary: s\nmodel: x\n---\n${body}`, /model/],
  ['a missing section', `---\nname: a\ntitle: A\nprovider: claude\nsummary: s\n---\n${body.replace('## Definition of done', '## Done')}`, /sections/],
  ['sections out of order', `---\nname: a\ntitle: A\nprovider: claude\nsummary: s\n---\n## How you work\n\n1. y\n\n## Who you are\n\nx\n\n## Definition of done\n\n- z\n\n## Guardrails\n\n- w\n`, /in that order/],
];

for (const [what, text, pattern] of malformed) {
  test(`a data file with ${what} throws an error naming the file`, () => {
    assert.throws(() => parseDisciplineFile('/x/a.md', text), (error: Error) => error.message.startsWith('discipline data file /x/a.md: ') && pattern.test(error.message));
  });
}

test('a well-formed data file with CRLF line endings parses', () => {
  const text = `---\nname: a\ntitle: A\nprovider: claude\nsummary: one line\n---\n${body}`.replace(/\n/g, '\r\n');
  const d = parseDisciplineFile('a.md', text);
  assert.deepEqual({ ...d, prompt: d.prompt.slice(0, 14) }, { name: 'a', title: 'A', provider: 'claude', summary: 'one line', prompt: '## Who you are' });
});

const suggestions: Array<[string, string | undefined]> = [
  ['bakend', 'backend'], ['secuirty', 'security'], ['sec', 'security'], ['devop', 'devops'],
  ['QA', 'qa'], ['dbaa', 'dba'], ['zzzzzz', undefined], ['zz', undefined],
];
for (const [typo, expected] of suggestions) {
  test(`"${typo}" suggests ${expected === undefined ? 'nothing' : `"${expected}"`}`, () => {
    assert.equal(suggestDiscipline(typo), expected);
  });
}
