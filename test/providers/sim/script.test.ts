/** Scripted sim agents: the steps of a task's script, as data, carried out in a worktree. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import * as v from 'valibot';
import { SimSchema } from '../../../protocol/index.js';
import { DEFAULT_SIM } from '../../../src/providers/sim/behaviour.js';
import { runSimAgent } from '../../../src/providers/sim/agent.js';
import { runStep, scriptFor, SimScriptError } from '../../../src/providers/sim/script.js';
import { tempDir, writeFiles } from '../../helpers/temp.js';

const sim = v.parse(SimSchema, {
  script: [
    { task: 't9', steps: [{ say: 'by id' }] },
    { title: 'Subtract', steps: [{ say: 'by title' }] },
  ],
});

test('a task takes the first script entry naming its id, else the first whose words its title contains', () => {
  assert.equal(scriptFor(sim, 't9', 'Add subtract')?.steps[0]?.say, 'by id');
  assert.equal(scriptFor(sim, 't1', 'Add SUBTRACT(a,b)')?.steps[0]?.say, 'by title');
  assert.equal(scriptFor(sim, 't1', 'Add multiply'), undefined);
});

test('a script step is exactly one of say, write, patch or run, with what it needs', () => {
  const bad = [{ say: 'a', run: 'b' }, { write: 'f' }, { patch: 'f' }, { patch: 'f', insert: 'x', before: 'a', after: 'b' }, {}];
  for (const step of bad) assert.equal(v.safeParse(SimSchema, { script: [{ task: 't1', steps: [step] }] }).success, false, JSON.stringify(step));
  assert.equal(v.safeParse(SimSchema, { script: [{ steps: [{ say: 'x' }] }] }).success, false, 'an entry names a task or a title');
});

test('write, patch before/after an anchor or at the end, and run; a patch already applied is not applied twice', async (t) => {
  const dir = tempDir(t);
  writeFiles(dir, { 'math.js': 'export function add(a, b) {\n  return a + b;\n}\n' });
  const said: string[] = [];
  const ctx = { workdir: dir, say: (line: string) => said.push(line), signal: new AbortController().signal, timeoutMs: 30_000 };
  assert.equal(await runStep({ write: 'test/sub.test.js', content: 'one\ntwo\n' }, ctx), 'test/sub.test.js');
  assert.equal(readFileSync(join(dir, 'test/sub.test.js'), 'utf8'), 'one\ntwo\n');
  await runStep({ patch: 'math.js', before: 'export function add', insert: 'export const zero = 0;\n' }, ctx);
  await runStep({ patch: 'math.js', after: 'return a + b;', insert: ' // sum' }, ctx);
  await runStep({ patch: 'math.js', insert: 'export const one = 1;\n' }, ctx);
  assert.equal(await runStep({ patch: 'math.js', insert: 'export const one = 1;\n' }, ctx), null);
  assert.equal(readFileSync(join(dir, 'math.js'), 'utf8'), 'export const zero = 0;\nexport function add(a, b) {\n  return a + b; // sum\n}\nexport const one = 1;\n');
  await runStep({ run: 'echo ran in "$PWD"' }, ctx);
  assert.deepEqual(said, [
    '→ write test/sub.test.js (2 lines)',
    '→ patch math.js: 1 lines before "export function add"',
    '→ patch math.js: 1 lines after "return a + b;"',
    '→ patch math.js: 1 lines at the end',
    '→ patch math.js: 1 lines at the end',
    '  already there; nothing to do',
    `$ echo ran in "$PWD"`,
    `  ran in ${dir}`,
    '  (exit 0)',
  ]);
  await assert.rejects(runStep({ patch: 'math.js', before: 'no such anchor', insert: 'export const two = 2;\n' }, ctx), SimScriptError);
  await assert.rejects(runStep({ write: '../outside.txt', content: 'x' }, ctx), /outside the worktree/);
});

test('a scripted attempt says each step in its transcript as it goes, and its last words are its summary; in dry-run it only says them', async (t) => {
  const dir = tempDir(t);
  writeFiles(dir, { 'math.js': 'export const add = (a, b) => a + b;\n' });
  const scripted = { ...DEFAULT_SIM, latencyMs: 30, script: [{ title: 'subtract', steps: [{ write: 'sub.js', content: 'x\n' }, { say: 'sub.js is there' }] }] };
  const transcript: string[] = [];
  const attempt = { sim: scripted, taskId: 't1', attempt: 1, title: 'Add subtract', files: undefined, signal: new AbortController().signal, hang: async () => ({ timedOut: true, durationMs: 1, argv: [] }), say: (line: string) => transcript.push(line) };
  const wet = await runSimAgent({ ...attempt, workdir: dir });
  assert.equal(wet.ok, true);
  assert.equal(wet.text, 'sub.js is there');
  assert.deepEqual(transcript, ['→ write sub.js (1 lines)', 'sub.js is there']);
  assert.equal(readFileSync(join(dir, 'sub.js'), 'utf8'), 'x\n');
  transcript.length = 0;
  assert.equal((await runSimAgent({ ...attempt, workdir: null })).ok, true);
  assert.deepEqual(transcript, ['→ write sub.js (1 lines)', 'sub.js is there']);
  const broken = { ...scripted, script: [{ title: 'subtract', steps: [{ patch: 'math.js', before: 'missing', insert: 'export const two = 2;\n' }] }] };
  const failed = await runSimAgent({ ...attempt, sim: broken, workdir: dir });
  assert.equal(failed.ok, false);
  assert.match(failed.text, /"missing" is not in math.js/);
});
