/**
 * Setup once per lockfile in a whole run (issue 12, item 4), through `loop run --execute` with the
 * fake CLIs and real git: agent slots, the gate's own slots and merge trains all get the output of
 * one setup run per lockfile; a task that changes the lockfile gets a setup for its own lockfile,
 * and the gate tests it with that output. The setup command counts its runs in a file outside the
 * repository and copies the lockfile into its (ignored) output, and the test command checks that
 * the output matches the lockfile of the tree under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';
import { noProcessesLeft, ofType, sandboxProject, seedTeam, writePlan } from '../helpers/execute-harness.js';

const ACCEPT = `JSON.stringify({ verdict: 'accept', reasons: ['looks right'], notes: [] })`;

test('a run of 4 tasks over 2 roles runs setup once per lockfile; the task that changes the lockfile is tested with its own setup output', async (t) => {
  const runs = join(tempDir(t, 'loop-setup-runs-'), 'runs');
  const setup = `sh -c 'cat package-lock.json >> ${runs}; mkdir -p deps && cp package-lock.json deps/lock-copy'`;
  const testCommand = `sh -c 'cmp deps/lock-copy package-lock.json && node --test'`;
  const project = sandboxProject(t, {
    userEdits: null,
    config: seedTeam({ maxParallel: 2, setup, testCommand }),
    files: { '.gitignore': 'deps/\n', 'package-lock.json': '{"lock":1}\n' },
  });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  const id = /^# Task ([\\w-]+)/m.exec(ctx.prompt)[1];
  if (ctx.readFile('deps/lock-copy') !== ctx.readFile('package-lock.json')) return { text: 'the slot has no setup output for its lockfile' };
  if (id === 'dep') ctx.writeFile('package-lock.json', '{"lock":2}\\n');
  ctx.writeFile('lib/' + id + '.js', 'export const ' + id + ' = 1;\\n');
  return { text: 'added ' + id };
};
`);
  const plan = writePlan(t, [
    { id: 'f1', title: 'Add f1', role: 'be1' },
    { id: 'dep', title: 'Add a dependency', role: 'be2' },
    { id: 'f2', title: 'Add f2', role: 'be1' },
    { id: 'f3', title: 'Add f3', role: 'be2', dependsOn: ['dep'] },
  ]);
  const result = await project.run(['run', 'four changes', '--execute', '--plan', plan, '--run', 'setup']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = project.events('setup');
  assert.deepEqual(ofType(events, 'task.merged').map((e) => e['taskId']).sort(), ['dep', 'f1', 'f2', 'f3']);
  for (const finished of ofType(events, 'attempt.finished')) assert.match(String(finished['summary']), /^added /, 'every slot had setup output for its lockfile');

  // once per lockfile: the first slots, the others, the gate's and the trains' all share it
  assert.deepEqual(readFileSync(runs, 'utf8').trim().split('\n').sort(), ['{"lock":1}', '{"lock":2}']);
  assert.equal(readFileSync(join(project.dir, 'package-lock.json'), 'utf8'), '{"lock":2}\n', 'the new lockfile landed');
  await noProcessesLeft('setup');
});
