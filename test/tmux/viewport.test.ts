/**
 * The tmux viewport, with real tmux on a private server: a pane per role showing that role's live
 * transcript while the run is in flight, nothing left when the run ends, headless with one line
 * when there is no tmux or --no-tmux, and `loop.viewport: keep`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { parse } from 'yaml';
import { sandboxProject, noProcessesLeft } from '../helpers/execute-harness.js';
import { boardEvents, runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { tempDir } from '../helpers/temp.js';
import { tmuxServer } from '../helpers/tmux.js';
import { packageRoot } from '../../src/util/package-root.js';
import { writeFileSync } from 'node:fs';

/** The demo's team (examples/sandbox/loop.sim.yaml: scripted sim engineers), slowed down so the test sees the work in flight. */
function demoTeam(latencyMs: number): Record<string, unknown> {
  const config = parse(readFileSync(join(packageRoot(), 'examples', 'sandbox', 'loop.sim.yaml'), 'utf8')) as { providers: { sim: { sim: Record<string, unknown> } } };
  config.providers.sim.sim['latencyMs'] = latencyMs;
  config.providers.sim.sim['jitterMs'] = 0;
  return config;
}

const GOAL = 'Add subtract(a,b) and multiply(a,b) to math.js, each with a test';

test('a sim run shows each role\'s live transcript in its own titled pane while in flight, and leaves no session behind', async (t) => {
  const project = sandboxProject(t, { config: demoTeam(12_000), userEdits: null });
  const tmux = tmuxServer(t, project.env);
  const run = startLoop(['run', GOAL, '--execute', '--run', 'v1', '--tmux'], { cwd: project.dir, env: tmux.env, t });
  await waitFor('the viewport', () => tmux.rolePanes().size === 4, 60_000);
  const panes = tmux.rolePanes();
  const titles = tmux.run(['list-panes', '-s', '-t', '=loop-sandbox-v1:', '-F', '#{@loop-role}\t#{pane_title}']).split('\n').sort();
  assert.deepEqual(titles, ['be1\tbe1 · Backend engineer · sim', 'be2\tbe2 · Backend engineer · sim', 'planner\tplanner · sim', 'qa\tqa · QA reviewer · sim-critic']);

  // the scripted agents write their transcripts step by step; the panes show each step as it lands
  const be1 = await tmux.waitForText(panes.get('be1')!, '→ write test/subtract.test.js');
  const inFlight = boardEvents(project.dir, 'v1');
  assert.ok(!inFlight.some((e) => e.type === 'run.finished'), 'the run is still in flight');
  assert.ok(!inFlight.some((e) => e.type === 'attempt.finished' && e['taskId'] === 't1'), "be1's agent is still working");
  assert.match(be1, /━━ t1 · Add subtract\(a,b\) to math\.js, with a test · attempt 1 · sim ━/);
  assert.match(be1, /I'll add subtract\(a, b\) next to add in math.js/);
  const be2 = await tmux.waitForText(panes.get('be2')!, '→ write test/multiply.test.js');
  assert.match(be2, /━━ t2 · Add multiply\(a,b\) to math\.js, with a test · attempt 1 · sim ━/);
  assert.doesNotMatch(be2, /subtract/, "a pane shows only its role's work");
  assert.match(tmux.capture(panes.get('planner')!), /t1 → be1: Add subtract\(a,b\) to math\.js, with a test/);
  await tmux.waitForText(panes.get('be1')!, '$ npm test --silent -- --test-reporter=spec');
  await tmux.waitForText(panes.get('qa')!, /━━ review of t\d/);
  // the gate's word on the change: its tests in its slot, or its tamper check with the tests left to its merge train
  await tmux.waitForText(panes.get('be1')!, /verified +`npm test`: tests passed|captured +[0-9a-f]{7}; tamper check passed/);

  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /viewport: tmux session loop-sandbox-v1 · watch a role: loop attach be1 --run v1/);
  assert.notEqual(tmux.status(['has-session', '-t', '=loop-sandbox-v1:']), 0, 'the session is closed with the run');
  assert.notEqual(tmux.status(['list-sessions']), 0, 'and with it the server loop started');
  await noProcessesLeft('v1');
});

test('without tmux, or with --no-tmux, the run is headless and says so in one line', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 5 } }));
  const noTmux = await runLoop(['run', 'a thing', '--tmux'], { cwd: dir, env: { PATH: '/nonexistent' }, t });
  assert.equal(noTmux.code, 0, noTmux.stderr);
  assert.deepEqual(noTmux.stdout.split('\n').filter((l) => l.startsWith('viewport:')), ['viewport: tmux is not installed; headless; `loop logs <role> --follow` shows what an agent does']);
  const off = await runLoop(['run', 'a thing', '--no-tmux'], { cwd: dir, t });
  assert.deepEqual(off.stdout.split('\n').filter((l) => l.startsWith('viewport:')), ['viewport: off (--no-tmux); headless; `loop logs <role> --follow` shows what an agent does']);
  const piped = await runLoop(['run', 'a thing'], { cwd: dir, t });
  assert.match(piped.stdout, /^viewport: not a terminal; headless/m);
});

test('viewport: keep leaves the panes open, read-only, after the run, until the user closes the session', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 5 }, loop: { viewport: 'keep' } }));
  const tmux = tmuxServer(t);
  const result = await runLoop(['run', 'a thing, another', '--run', 'kept', '--tmux'], { cwd: dir, env: tmux.env, t });
  assert.equal(result.code, 0, result.stderr);
  const panes = tmux.rolePanes();
  assert.deepEqual([...panes.keys()].sort(), ['backend', 'frontend', 'planner', 'qa']);
  const backend = await tmux.waitForText(panes.get('backend')!, 'run finished; this view stays until you close it');
  assert.match(backend, /merged/);
  await waitFor('every viewer to end', () => tmux.run(['list-panes', '-s', '-t', `=${'loop'}-${dir.split('/').pop()!}-kept:`, '-F', '#{pane_dead}']).split('\n').every((dead) => dead === '1'));
  tmux.run(['send-keys', '-t', panes.get('backend')!, 'echo typed', 'Enter']);
  assert.doesNotMatch(tmux.capture(panes.get('backend')!), /typed/, 'a kept pane takes no input');
});
