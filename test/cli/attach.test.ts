/**
 * `loop attach` with real tmux: outside tmux it attaches this terminal (a pane of a second, outer
 * tmux server plays the user's terminal), inside tmux it switches the user's client, zoomed on the
 * role's pane either way; `--takeover` hands the role's attempt to the user in the provider's
 * interactive CLI, and what they do goes through the gate and the critic.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { noProcessesLeft, sandboxProject, writePlan } from '../helpers/execute-harness.js';
import { boardEvents, LOOP_BIN, runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { git, tempDir } from '../helpers/temp.js';
import { tmuxServer, type TmuxServer } from '../helpers/tmux.js';

/** A dry-run whose agents take a minute, with its viewport on `inner`. */
async function runWithViewport(t: test.TestContext, inner: TmuxServer, runId: string): Promise<{ dir: string; session: string; stop: () => Promise<void> }> {
  const dir = tempDir(t, 'loop-attach-');
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 60_000 }, loop: { maxParallel: 2 } }));
  const run = startLoop(['run', 'api, ui', '--run', runId, '--tmux'], { cwd: dir, env: inner.env, t });
  await waitFor('the viewport', () => inner.rolePanes().size === 4, 60_000);
  const session = `loop-${dir.split('/').pop()!.replace(/[^A-Za-z0-9_-]/g, '-')}-${runId}`;
  return {
    dir,
    session,
    stop: async () => {
      await runLoop(['stop', runId], { cwd: dir, env: inner.env, t });
      await run.done;
      await noProcessesLeft(runId);
    },
  };
}

/** `loop` in a pane of `outer` (the user's terminal), talking to the run's tmux server `inner`. */
function loopInTerminal(outer: TmuxServer, inner: TmuxServer, cwd: string, args: string[], env: Record<string, string> = {}): string {
  const vars = Object.entries({ LOOP_TMUX_SOCKET: inner.socket, ...env }).map(([k, v]) => `${k}=${v}`);
  return outer.run(['new-session', '-d', '-P', '-F', '#{pane_id}', '-x', '160', '-y', '48', '-c', cwd, 'env', '-u', 'TMUX', ...vars, process.execPath, LOOP_BIN, ...args]);
}

const activeAndZoomed = (inner: TmuxServer, pane: string): string => inner.run(['display-message', '-p', '-t', pane, '#{pane_active} #{window_zoomed_flag}']);

test('outside tmux, loop attach attaches this terminal to the run\'s session, on the role\'s pane, zoomed', async (t) => {
  const inner = tmuxServer(t);
  const outer = tmuxServer(t);
  const run = await runWithViewport(t, inner, 'a1');
  const terminal = loopInTerminal(outer, inner, run.dir, ['attach', 'frontend']);
  await waitFor('a client on the run\'s session', () => inner.run(['list-clients', '-F', '#{client_session}']) === run.session);
  const frontend = inner.rolePanes().get('frontend')!;
  assert.equal(activeAndZoomed(inner, frontend), '1 1');
  await outer.waitForText(terminal, /frontend · sim/);
  await outer.waitForText(terminal, 'Ui');
  assert.doesNotMatch(outer.capture(terminal), /t1 · Api/, 'only the zoomed frontend pane is on screen');
  inner.run(['detach-client', '-s', `=${run.session}:`]);
  await run.stop();
});

test('inside tmux, loop attach switches the user\'s client to the role\'s pane, zoomed', async (t) => {
  const inner = tmuxServer(t);
  const outer = tmuxServer(t);
  const run = await runWithViewport(t, inner, 'a2');
  inner.run(['new-session', '-d', '-s', 'home', '-c', run.dir]);
  outer.run(['new-session', '-d', '-x', '160', '-y', '48', 'env', '-u', 'TMUX', 'tmux', '-L', inner.socket, 'attach', '-t', '=home:']);
  await waitFor('the user\'s client on home', () => inner.run(['list-clients', '-F', '#{client_session}']) === 'home');
  inner.run(['send-keys', '-t', '=home:', `LOOP_TMUX_SOCKET=${inner.socket} '${process.execPath}' '${LOOP_BIN}' attach backend --run a2; echo attach-exit-$?`, 'Enter']);
  await waitFor('the client to switch', () => inner.run(['list-clients', '-F', '#{client_session}']) === run.session);
  assert.equal(activeAndZoomed(inner, inner.rolePanes().get('backend')!), '1 1');
  await inner.waitForText('=home:', 'attach-exit-0');
  // again for another role: the zoom moves with it
  inner.run(['switch-client', '-t', '=home:']);
  inner.run(['send-keys', '-t', '=home:', `LOOP_TMUX_SOCKET=${inner.socket} '${process.execPath}' '${LOOP_BIN}' attach frontend --run a2`, 'Enter']);
  await waitFor('the client to switch again', () => inner.run(['list-clients', '-F', '#{client_session}']) === run.session && activeAndZoomed(inner, inner.rolePanes().get('frontend')!) === '1 1');
  await run.stop();
});

test('an unknown role or run is one line and exit 2; a run without a viewport says how to see the role instead', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 5 } }));
  await runLoop(['run', 'a thing', '--run', 'bug-42', '--no-tmux'], { cwd: dir, t });
  const role = await runLoop(['attach', 'nobody'], { cwd: dir, t });
  assert.deepEqual([role.code, role.stderr], [2, 'loop: no role "nobody" in run bug-42 (roles: planner, backend, frontend, qa)\n']);
  const run = await runLoop(['attach', 'backend', '--run', 'bug-4'], { cwd: dir, t });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^loop: no run "bug-4" in .*; `loop runs` lists the runs\n$/);
  const headless = await runLoop(['attach', 'backend'], { cwd: dir, env: tmuxServer(t).env, t });
  assert.deepEqual([headless.code, headless.stderr], [1, 'loop: run bug-42 has no tmux viewport (it ran headless, or its session was closed); `loop logs backend --run bug-42 --follow` shows the role\'s work\n']);
});

test('--takeover: after the agent\'s attempt the user continues its session in the interactive CLI, and their edit lands through the gate and the critic', async (t) => {
  const project = sandboxProject(t, {
    userEdits: null,
    config: {
      version: 1, project: 'sandbox',
      providers: { claude: { type: 'claude', permissionMode: 'acceptEdits' }, 'sim-critic': { type: 'sim', sim: { latencyMs: 10 } } },
      roles: [{ name: 'be1', sme: 'backend', provider: 'claude' }, { name: 'qa', sme: 'qa', provider: 'sim-critic' }],
      loop: { reviewer: 'qa', maxParallel: 1, taskTimeoutMinutes: 2, testTimeoutMinutes: 1 },
    },
  });
  // the agent works on t1 for a while (so the takeover is asked for while it does), writes a file and ends
  project.fakes.writeScript(`export default async (ctx) => {
    ctx.writeFile('agent-' + ctx.callIndex + '.txt', 'agent work\\n');
    return { hangMs: ctx.callIndex === 0 ? 8000 : 0 };
  };`);
  const plan = writePlan(t, [
    { id: 't1', title: 'Add subtract', role: 'be1', dependsOn: [], acceptance: ['subtract works'] },
    { id: 't2', title: 'Add multiply', role: 'be1', dependsOn: [], acceptance: ['multiply works'] },
  ]);
  const inner = tmuxServer(t, project.env);
  const outer = tmuxServer(t, project.env);
  const run = startLoop(['run', 'two functions', '--plan', plan, '--execute', '--run', 'k1', '--tmux'], { cwd: project.dir, env: inner.env, t });
  await waitFor('be1\'s agent at work on t1', () => boardEvents(project.dir, 'k1').some((e) => e.type === 'attempt.started' && e['taskId'] === 't1'), 60_000);

  const terminal = loopInTerminal(outer, inner, project.dir, ['attach', 'be1', '--takeover'], { PATH: project.env['PATH']!, FAKE_AGENT_LOG: project.fakes.env['FAKE_AGENT_LOG']!, FAKE_AGENT_SCRIPT: project.fakes.env['FAKE_AGENT_SCRIPT']! });
  const be1 = inner.rolePanes().get('be1')!;
  const cli = await inner.waitForText(be1, 'ready: write <path> <text>', 90_000);
  assert.match(cli, /^fake claude \(interactive\) in .*\/k1\/slot-1$/m, 'in the role\'s worktree slot');
  assert.match(cli, /^resuming session [0-9a-f-]{36}$/m, 'continuing the agent\'s session');
  assert.match(cli, /^ {2}# Backend Engineer \(be1\)$/m, 'with the role prompt loaded');
  await waitFor('the user\'s terminal on be1\'s pane', () => outer.capture(terminal).includes('fake claude (interactive)'));
  assert.equal(activeAndZoomed(inner, be1), '1 1');
  const started = boardEvents(project.dir, 'k1').find((e) => e.type === 'takeover.started')!;
  assert.deepEqual([started['taskId'], started['attempt'], started['continues']], ['t1', 1, true]);
  assert.ok(boardEvents(project.dir, 'k1').some((e) => e.type === 'attempt.finished' && e['taskId'] === 't1'), 'the agent\'s attempt ended first');

  inner.run(['send-keys', '-t', be1, 'write USER-NOTES.md written by the user during the takeover', 'Enter']);
  await inner.waitForText(be1, 'wrote USER-NOTES.md');
  inner.run(['send-keys', '-t', be1, 'exit', 'Enter']);
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);

  const events = boardEvents(project.dir, 'k1');
  const after = (type: string) => events.findIndex((e) => e.type === type && e['taskId'] === 't1');
  assert.ok(after('takeover.finished') > after('takeover.started'));
  assert.equal(events[after('takeover.finished')]!['exitCode'], 0);
  assert.ok(after('gate.captured') > after('takeover.finished'), 'the gate ran on the user\'s work');
  assert.ok(after('review.accepted') > after('gate.passed'), 'and the critic reviewed it');
  assert.ok(after('task.merged') > after('review.accepted'));
  assert.ok(events.some((e) => e.type === 'task.merged' && e['taskId'] === 't2'), 'dispatch resumed for the role');
  assert.equal(readFileSync(join(project.dir, 'USER-NOTES.md'), 'utf8'), 'written by the user during the takeover\n');
  assert.match(git(project.dir, ['log', '--format=%s', '-1', '--', 'USER-NOTES.md']), /loop\(t1\): Add subtract/);
  const interactive = project.fakes.readLog().filter((c) => c.interactive);
  assert.equal(interactive.length, 1);
  const agentSession = events.find((e) => e.type === 'attempt.finished' && e['taskId'] === 't1')!['sessionId'];
  assert.equal(typeof agentSession, 'string');
  assert.equal(interactive[0]!.resume, agentSession, 'the CLI resumed the session the agent worked in');
  await noProcessesLeft('k1');
});

test('--takeover is declined, in one line, when the run cannot hand the role over (a dry-run has no worktree)', async (t) => {
  const inner = tmuxServer(t);
  const outer = tmuxServer(t);
  const run = await runWithViewport(t, inner, 'd1');
  const terminal = loopInTerminal(outer, inner, run.dir, ['attach', 'backend', '--takeover']);
  outer.run(['set-option', '-t', terminal, 'remain-on-exit', 'on']);
  await outer.waitForText(terminal, 'loop: run d1 cannot hand backend over: a dry-run has no worktree to work in; run with --execute');
  assert.ok(boardEvents(run.dir, 'd1').some((e) => e.type === 'takeover.declined' && e['role'] === 'backend'));
  await run.stop();
});
