/**
 * Merge trains end to end (issue 12), through `loop run --execute` with the fake CLIs, real git and
 * a real `node --test` suite: changes accepted while a train runs leave together in the next one,
 * a red train is bisected to its culprit while the others land, every tree the integration branch
 * ever pointed at passes the suite, and the culprit's repair gets the per-test evidence. Its role
 * took another task meanwhile (pipelined), and the repair still starts from its own previous work.
 *
 * Timing is made deterministic with a marker file rather than sleeps: the suite touches it when it
 * first runs, and every agent but the first waits for it, so the first train holds only the first
 * change and the others are accepted while that train is still testing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { git, tempDir } from '../helpers/temp.js';
import { noProcessesLeft, ofType, sandboxProject, seedTeam, writePlan } from '../helpers/execute-harness.js';

const ACCEPT = `JSON.stringify({ verdict: 'accept', reasons: ['looks right'], notes: [] })`;

test('a red merge train is bisected to its culprit, the rest land, no red tree ever lands, and the culprit\'s repair (its role pipelined meanwhile) gets the evidence and its own previous work', async (t) => {
  const marks = tempDir(t, 'loop-train-marks-');
  const suiteRan = join(marks, 'suite-ran');
  // the suite marks its first run on a tree holding a feature (not the run's early run of the integration
  // head), and takes a second so the changes behind it gather in the queue
  const testCommand = `sh -c 'test -d lib && touch ${suiteRan}; sleep 1; node --test'`;
  const config = seedTeam({ maxParallel: 4, maxRepairs: 1, testCommand, gate: { preMergeTests: 'never', maxTrain: 8, testSlots: 1 } });
  (config['roles'] as unknown[]).push({ name: 'be3', sme: 'backend', provider: 'claude' }, { name: 'be4', sme: 'backend', provider: 'claude' });
  const project = sandboxProject(t, { userEdits: null, config });
  project.fakes.writeScript(`
import { existsSync } from 'node:fs';
import { join } from 'node:path';
const feature = (ctx, id) => {
  ctx.writeFile('lib/' + id + '.js', 'export const ' + id + ' = () => "' + id + '";\\n');
  ctx.writeFile('test/' + id + '.test.js', "import { test } from 'node:test';\\nimport assert from 'node:assert/strict';\\nimport { " + id + " } from '../lib/" + id + ".js';\\ntest('" + id + " works', () => assert.equal(" + id + "(), '" + id + "'));\\n");
};
const waitForSuite = (ctx) => ctx.sh('for i in $(seq 1 300); do [ -e ${suiteRan} ] && exit 0; sleep 0.1; done; exit 1');
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  const id = /^# Task ([\\w-]+)/m.exec(ctx.prompt)[1];
  if (id !== 'g1') waitForSuite(ctx);
  if (id === 'bad' && /tests failed after merging/.test(ctx.prompt)) {
    // the repair: its own first attempt must be here (lib/bad.js and multiply), then it fixes add
    const own = existsSync(join(ctx.cwd, 'lib/bad.js')) && ctx.readFile('math.js').includes('function multiply');
    ctx.writeFile('math.js', ctx.readFile('math.js').replace('return a - b;', 'return a + b;'));
    return { text: 'fixed add; my previous work was ' + (own ? 'there' : 'missing') };
  }
  if (id === 'bad') {
    feature(ctx, 'bad');
    ctx.writeFile('math.js', ctx.readFile('math.js').replace('return a + b;', 'return a - b;') + '\\nexport function multiply(a, b) {\\n  return a * b;\\n}\\n');
    return { text: 'added multiply' };
  }
  feature(ctx, id);
  return { text: 'added ' + id };
};
`);
  const plan = writePlan(t, [
    { id: 'g1', title: 'Add g1', role: 'be1' },
    { id: 'g2', title: 'Add g2', role: 'be2' },
    { id: 'bad', title: 'Add multiply', role: 'be3' },
    { id: 'h', title: 'Add h', role: 'be3' },
    { id: 'g3', title: 'Add g3', role: 'be4' },
  ]);
  const result = await project.run(['run', 'five features', '--execute', '--plan', plan, '--run', 'trains']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = project.events('trains');
  assert.deepEqual(ofType(events, 'task.merged').map((e) => e['taskId']).sort(), ['bad', 'g1', 'g2', 'g3', 'h']);

  const trains = ofType(events, 'train.finished') as unknown as { tasks: string[]; landed: string[]; culprits: string[]; requeued: string[]; suiteRuns: number }[];
  assert.deepEqual(trains[0]!.tasks, ['g1'], 'the first train left with the only change accepted');
  const red = trains.filter((train) => train.culprits.length > 0);
  assert.equal(red.length, 1, JSON.stringify(trains));
  const culpritTrain = red[0]!;
  assert.deepEqual(culpritTrain.culprits, ['bad']);
  assert.ok(culpritTrain.tasks.length >= 3, `the changes accepted during the first train left together: ${JSON.stringify(culpritTrain)}`);
  assert.ok(culpritTrain.suiteRuns <= 2 + Math.ceil(Math.log2(culpritTrain.tasks.length)), `found in ${culpritTrain.suiteRuns} runs: ${JSON.stringify(culpritTrain)}`);
  const others = culpritTrain.tasks.filter((id) => id !== 'bad');
  assert.deepEqual([...culpritTrain.landed, ...culpritTrain.requeued].sort(), others.sort(), 'every other change landed or went on to the next train');
  assert.ok(trains.some((train) => train.landed.length > 1), `some train landed several changes at once: ${JSON.stringify(trains)}`);

  const refused = ofType(events, 'merge.failed').map((e) => e['failure'] as { kind: string; summary: string; evidence: string });
  assert.equal(refused.length, 1);
  assert.equal(refused[0]!.kind, 'merge-tests');
  assert.match(refused[0]!.summary, /broke \d tests? that passed on the base: add adds two numbers/);
  assert.match(refused[0]!.evidence, new RegExp(`Found by bisecting a merge train of ${culpritTrain.tasks.length} changes`));

  // the repair prompt carries the per-test evidence, and its slot held the first attempt's work
  const repair = project.fakes.readLog().filter((c) => c.cli === 'claude' && /^# Task bad/m.test(c.prompt))[1];
  assert.match(repair?.prompt ?? '', /add adds two numbers/);
  assert.match(repair?.prompt ?? '', /Found by bisecting a merge train/);
  const finished = ofType(events, 'attempt.finished').filter((e) => e['taskId'] === 'bad' && e['outcome'] === 'ok');
  assert.equal(finished.at(-1)?.['summary'], 'fixed add; my previous work was there');
  // be3 took h while bad's first change was still in its gate, review or train (a pipelined role)
  const seqOf = (type: string, id: string, attempt?: number) => events.find((e) => e.type === type && e['taskId'] === id && (attempt === undefined || e['attempt'] === attempt))!.seq;
  assert.ok(seqOf('task.dispatched', 'h') < seqOf('merge.failed', 'bad'), 'h was dispatched before bad\'s train refused it');

  // every tree the integration branch was advanced to passes the suite in a clean export
  const mergedSha = new Map(ofType(events, 'task.merged').map((e) => [e['taskId'] as string, e['sha'] as string]));
  const tips = trains.filter((train) => train.landed.length > 0).map((train) => mergedSha.get(train.landed.at(-1)!)!);
  for (const tip of tips) {
    const dir = join(tempDir(t, 'loop-tip-'), 'tree');
    mkdirSync(dir);
    execFileSync('sh', ['-c', `git -C '${project.dir}' archive ${tip} | tar -x -C '${dir}'`]);
    execFileSync('node', ['--test'], { cwd: dir, stdio: 'pipe', env: { ...process.env, NODE_TEST_CONTEXT: '' } });
  }
  assert.match(git(project.dir, ['show', 'main:math.js']), /return a \+ b;[\s\S]*function multiply/);
  await noProcessesLeft('trains');
});

test('test once when nothing moved: a change tested in its slot on the head it merges onto costs its train no suite run', async (t) => {
  const project = sandboxProject(t, { userEdits: null, config: seedTeam({ gate: { preMergeTests: 'always' } }) });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  ctx.writeFile('math.js', ctx.readFile('math.js') + '\\nexport function subtract(a, b) {\\n  return a - b;\\n}\\n');
  return { text: 'added subtract' };
};
`);
  const plan = writePlan(t, [{ id: 'sub', title: 'Add subtract', role: 'be1' }]);
  const result = await project.run(['run', 'add subtract', '--execute', '--plan', plan, '--run', 'once']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = project.events('once');
  assert.equal(ofType(events, 'gate.captured')[0]?.['tests'], 'slot');
  assert.match(String(ofType(events, 'gate.passed')[0]?.['summary']), /tests passed \(3 tests\)/);
  const trains = ofType(events, 'train.finished');
  assert.equal(trains.length, 1);
  assert.deepEqual([trains[0]!['landed'], trains[0]!['suiteRuns']], [['sub'], 0], 'the slot\'s run of the same tree is the merge result');
  assert.match(String(trains[0]!['tests']), /tests passed \(3 tests\)/);
  await noProcessesLeft('once');
});

test('gate.trainWait: a train that could leave waits for a change still being made and both land in one suite run; with 0 each leaves alone', async (t) => {
  for (const [trainWait, expected] of [[30, [['early', 'late']]], [0, [['early'], ['late']]]] as const) {
    const project = sandboxProject(t, { userEdits: null, config: seedTeam({ maxParallel: 2, gate: { preMergeTests: 'never', trainWait } }) });
    project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  const id = /^# Task ([\\w-]+)/m.exec(ctx.prompt)[1];
  // the late change is still being made when the early one is accepted
  if (id === 'late') ctx.sh('sleep 3');
  ctx.writeFile('lib/' + id + '.js', 'export const ' + id + ' = 1;\\n');
  return { text: 'added ' + id };
};
`);
    const plan = writePlan(t, [{ id: 'early', title: 'Add early', role: 'be1' }, { id: 'late', title: 'Add late', role: 'be2' }]);
    const run = `wait${trainWait}`;
    const result = await project.run(['run', 'two changes', '--execute', '--plan', plan, '--run', run]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const trains = ofType(project.events(run), 'train.finished').map((e) => e['landed']);
    assert.deepEqual(trains, expected, `trainWait ${trainWait}`);
    await noProcessesLeft(run);
  }
});
