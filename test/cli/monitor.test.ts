/** `loop monitor --once`: plain text that agrees with the board, for the latest run unless told. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldBoard } from '../../src/board/fold.js';
import { readBoard } from '../../src/board/store.js';
import { runPaths } from '../../src/util/paths.js';
import { tempDir } from '../helpers/temp.js';
import { runLoop } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';

function project(t: Parameters<typeof tempDir>[0]): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(t, 'loop-monitor-');
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ roles: ['backend', 'frontend'], tasksPerRole: 2, sim: { costUsd: 0.1 }, loop: { maxRepairs: 1, budgetUsd: 1 } }));
  writeFileSync(join(dir, 'brief.md'), '# Brief\n');
  return { dir, env: { LOOP_HOME: join(dir, '.home') } };
}

test('monitor --once prints the run as plain text that agrees with its board', async (t) => {
  const { dir, env } = project(t);
  const run = await runLoop(['run', 'api and ui', '--run', 'mon'], { cwd: dir, env: { ...env, LOOP_SIM_TASKS_SIM: 't3=fail' }, t });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const shown = await runLoop(['monitor', '--once'], { cwd: dir, env, t });
  assert.equal(shown.code, 0, shown.stderr);
  const text = shown.stdout;
  assert.doesNotMatch(text, /\x1b\[/, 'no escape codes in plain output');
  const view = foldBoard(readBoard(runPaths(dir, 'mon').events).events);
  const tasks = view.order.map((id) => view.tasks[id]!);
  const merged = tasks.filter((task) => task.status === 'merged').length;
  assert.match(text, /run mon {2}· {2}escalated/);
  assert.match(text, new RegExp(`progress ${merged}/${tasks.length} `));
  assert.match(text, new RegExp(`spend \\$${view.spend.totalUsd.toFixed(2)} / \\$1\\.00`));
  const stage: Record<string, string> = { merged: 'merged', escalated: 'escalated', cancelled: 'escalated', planned: 'waiting', ready: 'waiting' };
  for (const task of tasks) {
    assert.match(text, new RegExp(`^${stage[task.status]} +${task.id} `, 'm'), `${task.id} is listed as ${task.status}`);
    if (task.status === 'escalated') assert.ok(text.includes(`✗ ${task.id.padEnd(6)} ${task.role.padEnd(10)} ESCALATED ${task.reason}`), `the reason of ${task.id} is shown`);
  }
  assert.equal(tasks.filter((task) => task.status === 'escalated').length, 2, 't3 and the task after it');
  assert.match(text, new RegExp(`^${tasks.find((task) => task.id === 't3')!.role} +idle +idle · 2 escalated`, 'm'));
  assert.match(text, /── events/);
});

test('monitor shows the latest run unless --run names one; an unknown run is one line and exit 2', async (t) => {
  const { dir, env } = project(t);
  assert.equal((await runLoop(['run', 'first', '--run', 'old'], { cwd: dir, env, t })).code, 0);
  assert.equal((await runLoop(['run', 'second', '--run', 'new'], { cwd: dir, env, t })).code, 0);
  assert.match((await runLoop(['monitor', '--once'], { cwd: dir, env, t })).stdout, /run new/);
  assert.match((await runLoop(['monitor', '--once', '--run', 'old'], { cwd: dir, env, t })).stdout, /run old/);
  const unknown = await runLoop(['monitor', '--run', 'ol'], { cwd: dir, env, t });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^loop: no run "ol" in .*; `loop runs` lists the runs\n$/);
});

test('monitor in a folder without runs says how to start one, exit 2', async (t) => {
  const { dir, env } = project(t);
  const result = await runLoop(['monitor', '--once'], { cwd: dir, env, t });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^loop: no runs here yet; start one with `loop run "<goal>"`\n$/);
});
