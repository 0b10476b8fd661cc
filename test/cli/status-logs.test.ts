/** `loop status` and `loop logs` say what the board says: during a run, after it, and without tmux. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { foldBoard } from '../../src/board/fold.js';
import { readBoard } from '../../src/board/store.js';
import { boardEvents, runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { tempDir } from '../helpers/temp.js';

interface StatusJson {
  runId: string;
  status: string;
  pid: number;
  session: string | null;
  roles: { role: string; tasks: { id: string; status: string; as: string }[] }[];
  slots: { used: number; max: number };
  tasks: { total: number; merged: number; inFlight: number };
  spend: { usd: number; budgetUsd: number | null };
}

test('loop status lists the live run with its supervisor, each role\'s task and state, slots and spend, as the board has them', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 60_000, costUsd: 0.25 }, loop: { budgetUsd: 9 } }));
  const run = startLoop(['run', 'api, ui', '--run', 's1'], { cwd: dir, t });
  await waitFor('both agents to start', () => boardEvents(dir, 's1').filter((e) => e.type === 'attempt.started').length === 2);
  const status = await runLoop(['status', '--json'], { cwd: dir, t });
  assert.equal(status.code, 0, status.stderr);
  const [live, ...others] = JSON.parse(status.stdout) as StatusJson[];
  assert.deepEqual(others, []);
  const view = foldBoard(readBoard(join(dir, '.loop/runs/s1/board/events.jsonl')).events);
  assert.equal(live!.runId, 's1');
  assert.equal(live!.status, 'running');
  assert.equal(live!.pid, run.child.pid);
  assert.equal(live!.session, null, 'a piped run has no viewport');
  const busy = Object.fromEntries(live!.roles.map((r) => [r.role, r.tasks.map((task) => `${task.id}:${task.status}`)]));
  const expected = Object.fromEntries(view.roles.map((role) => [role, view.order.filter((id) => view.tasks[id]!.role === role && view.tasks[id]!.status === 'running').map((id) => `${id}:running`)]));
  assert.deepEqual(busy, expected);
  assert.deepEqual(busy['backend'], ['t1:running']);
  assert.deepEqual(live!.slots, { used: 2, max: 2 });
  assert.deepEqual(live!.spend, { usd: view.spend.totalUsd, budgetUsd: 9, calls: view.spend.calls });
  const human = await runLoop(['status'], { cwd: dir, t });
  assert.match(human.stdout, /^run s1 · running · dry-run · supervisor pid \d+/);
  assert.match(human.stdout, /^ {2}backend +t1 +running +\d+s +Api$/m);
  assert.match(human.stdout, /slots 2\/2/);
  await runLoop(['stop', 's1'], { cwd: dir, t });
  await run.done;
  assert.equal((await runLoop(['status'], { cwd: dir, t })).stdout, 'no run is running; `loop runs` lists the earlier ones\n');
  const after = JSON.parse((await runLoop(['status', '--run', 's1', '--json'], { cwd: dir, t })).stdout) as StatusJson[];
  assert.equal(after[0]!.status, 'interrupted');
});

test('loop logs: a role\'s or a task\'s transcripts with the board\'s verdicts; -n; --follow ends with the run; unknown names exit 2', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 5 } }));
  assert.equal((await runLoop(['run', 'api, ui', '--run', 'l1'], { cwd: dir, t })).code, 0);
  const role = await runLoop(['logs', 'backend'], { cwd: dir, t });
  assert.equal(role.code, 0, role.stderr);
  assert.match(role.stdout, /━━ t1 · Api · attempt 1 · sim ━+\nbuilt-in sim agent \(no CLI\) · t1 attempt 1: Api\nworking on: Api\nsim: implemented "Api"\ndone in \d+\.\ds · \$0\.00\n/);
  assert.match(role.stdout, /t1 +backend +merged +merged \(dry-run\)/);
  assert.doesNotMatch(role.stdout, /Ui/, 'only the role\'s own tasks');
  const task = await runLoop(['logs', 't2', '--run', 'l1'], { cwd: dir, t });
  assert.match(task.stdout, /━━ t2 · Ui · attempt 1/);
  const last = await runLoop(['logs', 'backend', '-n', '2'], { cwd: dir, t });
  assert.deepEqual(last.stdout.trimEnd().split('\n').length, 2);
  assert.ok(role.stdout.endsWith(last.stdout));
  const follow = await runLoop(['logs', 'qa', '--follow'], { cwd: dir, t });
  assert.equal(follow.code, 0, 'a finished run: --follow prints and ends');
  assert.match(follow.stdout, /━━ review of t1/);
  const unknown = await runLoop(['logs', 'nobody'], { cwd: dir, t });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'loop: no role or task "nobody" in run l1 (roles: planner, backend, frontend, qa; tasks: t1, t2)\n');
  const noRun = await runLoop(['logs', 'backend', '--run', 'l'], { cwd: dir, t });
  assert.equal(noRun.code, 2);
  assert.match(noRun.stderr, /^loop: no run "l" in /, 'run ids match exactly, never by prefix');
  const noStop = await runLoop(['stop', 'l'], { cwd: dir, t });
  assert.equal(noStop.code, 2);
  assert.match(noStop.stderr, /^loop: no run "l" in .*runs; `loop runs` lists the runs\n$/, 'stop names the folder it looked in, as the viewing commands do');
});

test('loop logs --follow prints an attempt live and ends when the run does', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ roles: ['backend'], sim: { latencyMs: 8_000 } }));
  const run = startLoop(['run', 'api', '--run', 'f1'], { cwd: dir, t });
  await waitFor('the run to start', () => boardEvents(dir, 'f1').some((e) => e.type === 'run.started'));
  const follower = startLoop(['logs', 'backend', '--follow'], { cwd: dir, t });
  await waitFor('the live transcript', () => follower.output().includes('working on: Api'), 60_000);
  assert.ok(!boardEvents(dir, 'f1').some((e) => e.type === 'attempt.finished'), 'seen while the agent works');
  const [followed, ran] = await Promise.all([follower.done, run.done]);
  assert.equal(ran.code, 0);
  assert.equal(followed.code, 0);
  assert.match(followed.stdout, /run finished: merged \(exit 0\)/);
});
