/**
 * Merge trains on the reference workload (`node dist/bench/trains.js`): 16 tasks over 4 roles,
 * sim agents of 0.5 s, a real `node --test` suite of ~0.5 s, real git. Each run of the suite
 * appends a line to a counter file outside the repository, so suite runs are counted exactly.
 * Two runs: every change good (target: ≤ 1.3 suite runs per merged task), and one bad change of 16
 * that breaks a test that passed (target: found in ≤ log2(batch) + 1 extra runs, where batch is the
 * size of the train it was found in). Extra runs are read two ways: the runs of the red train's
 * prefixes (`bisectRuns` on its board event), and the bad run's total minus the good run's total.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { emit, readEvents, runLoop, scratch, table, type Figure } from './lib.js';

const TASKS = 16;
const ROLES = 4;
const BAD = 't7';
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.test' };

function makeRepo(dir: string, suiteLog: string, bad: boolean): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'trains-bench', private: true, type: 'module', scripts: { test: 'node --test test/' } }, null, 2)}\n`);
  writeFileSync(join(dir, 'src', 'guard.js'), 'export const ok = true;\n');
  writeFileSync(join(dir, 'test', 'suite.test.js'), [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { appendFileSync } from 'node:fs';",
    "import { ok } from '../src/guard.js';",
    `test('the suite takes half a second', async () => {`,
    `  appendFileSync(${JSON.stringify(suiteLog)}, 'run\\n');`,
    '  await new Promise((resolve) => setTimeout(resolve, 500));',
    '});',
    "test('the guard holds', () => assert.equal(ok, true));",
    '',
  ].join('\n'));
  const sim = { latencyMs: 500, ...(bad ? { script: [{ task: BAD, steps: [{ write: 'src/guard.js', content: 'export const ok = false;\n' }] }] } : {}) };
  writeFileSync(join(dir, 'loop.config.yaml'), stringify({
    version: 1,
    providers: { sim: { type: 'sim', sim }, 'sim-critic': { type: 'sim' } },
    roles: [...Array.from({ length: ROLES }, (_, i) => ({ name: `r${i + 1}`, provider: 'sim' })), { name: 'qa', provider: 'sim-critic' }],
    loop: { reviewer: 'qa', maxParallel: ROLES, maxRepairs: 0, testCommand: 'node --test test/', setup: 'true' },
  }));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'trains bench'], { cwd: dir, env: GIT_ENV });
}

interface Measured {
  merged: number;
  suiteRuns: number;
  trains: { tasks: string[]; culprits: string[]; suiteRuns: number; bisectRuns?: number }[];
  wallMs: number;
}

async function measure(bad: boolean): Promise<Measured> {
  const root = scratch('loop-bench-trains-');
  const repo = join(root, 'repo');
  const suiteLog = join(root, 'suite-runs.log');
  mkdirSync(repo);
  makeRepo(repo, suiteLog, bad);
  const plan = join(root, 'plan.yaml');
  writeFileSync(plan, stringify({ tasks: Array.from({ length: TASKS }, (_, i) => ({ id: `t${i + 1}`, title: `Task t${i + 1}`, role: `r${(i % ROLES) + 1}`, dependsOn: [], files: [`work/t${i + 1}.md`] })) }));
  const started = Date.now();
  const run = await runLoop(['run', 'trains', '--execute', '--plan', plan, '--run', 'bench'], repo, { ...GIT_ENV, LOOP_HOME: join(root, 'home') });
  const wallMs = Date.now() - started;
  if (run.code !== (bad ? 1 : 0)) throw new Error(`loop run exited ${run.code}:\n${run.output}`);
  const events = readEvents(repo, 'bench');
  const trains = events.filter((e) => e.type === 'train.finished') as unknown as Measured['trains'];
  const merged = events.filter((e) => e.type === 'task.merged').length;
  const suiteRuns = readFileSync(suiteLog, 'utf8').split('\n').filter(Boolean).length;
  rmSync(root, { recursive: true, force: true });
  return { merged, suiteRuns, trains, wallMs };
}

const figures: Figure[] = [];
const good = await measure(false);
if (good.merged !== TASKS) throw new Error(`only ${good.merged} of ${TASKS} merged`);
figures.push(emit({
  name: `suite runs per merged task, ${TASKS} good changes`, value: good.suiteRuns / good.merged, unit: 'runs', target: 1.3, kind: 'max', samples: good.merged,
  note: `${good.suiteRuns} runs, trains of ${good.trains.map((t) => t.tasks.length).join('+')}, ${(good.wallMs / 1000).toFixed(1)} s`,
}));
const withBad = await measure(true);
const red = withBad.trains.find((t) => t.culprits.includes(BAD));
if (!red) throw new Error(`the bad change was not found by a train: ${JSON.stringify(withBad.trains)}`);
const bound = Math.log2(red.tasks.length) + 1;
figures.push(emit({
  name: `runs to find 1 bad change of ${TASKS}: prefix runs of its train`, value: red.bisectRuns ?? 0, unit: 'runs', target: bound, kind: 'max',
  note: `train of ${red.tasks.length}; bound log2(${red.tasks.length}) + 1`,
}));
figures.push(emit({
  name: `extra suite runs, 1 bad of ${TASKS} vs all good`, value: withBad.suiteRuns - good.suiteRuns, unit: 'runs', target: bound, kind: 'max',
  note: `${withBad.suiteRuns} vs ${good.suiteRuns}; trains ${withBad.trains.map((t) => `${t.tasks.length}${t.culprits.length > 0 ? '(red)' : ''}`).join('+')}; ${withBad.merged} merged`,
}));
table(`merge trains, ${TASKS} tasks over ${ROLES} roles, a ~0.5 s node --test suite (command: node dist/bench/trains.js)`, figures);
