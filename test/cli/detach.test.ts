/**
 * `--detach`: the supervisor runs in a session of its own, so the terminal that started it can
 * close (its shell gets SIGHUP) and the run goes on; `runs`, `status`, `stop` and `resume` work on
 * it as on any run.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { noProcessesLeft } from '../helpers/execute-harness.js';
import { boardEvents, LOOP_BIN, runLoop, waitFor } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { tempDir } from '../helpers/temp.js';
import { tmuxServer } from '../helpers/tmux.js';
import { isAlive, readRunJson } from '../../src/run/run-json.js';

test('a --detach run survives the terminal that started it closing, and finishes', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 3_000 } }));
  // a real terminal: a shell in a tmux pane, which dies with SIGHUP when its pane is killed
  const terminal = tmuxServer(t);
  const pane = terminal.run(['new-session', '-d', '-P', '-F', '#{pane_id}', '-x', '250', '-y', '50', '-c', dir, 'sh']);
  terminal.run(['send-keys', '-t', pane, `'${process.execPath}' '${LOOP_BIN}' run 'api, ui' --run bg1 --detach --no-tmux; echo started-$?`, 'Enter']);
  const shown = await terminal.waitForText(pane, 'started-0', 60_000);
  assert.match(shown, /run bg1 is running in the background \(supervisor pid \d+\); it keeps going when this terminal closes/);
  const pid = readRunJson(join(dir, '.loop/runs/bg1/run.json'))!.pid;
  const shell = Number(terminal.run(['display-message', '-p', '-t', pane, '#{pane_pid}']));
  terminal.run(['kill-server']);
  await waitFor('the terminal\'s shell to be gone', () => !isAlive(shell));
  assert.ok(isAlive(pid), 'the supervisor outlived its terminal');
  await waitFor('the run to finish', () => boardEvents(dir, 'bg1').some((e) => e.type === 'run.finished'), 90_000);
  assert.equal(boardEvents(dir, 'bg1').find((e) => e.type === 'run.finished')!['status'], 'merged');
  await waitFor('the supervisor to exit', () => !isAlive(pid));
  assert.match(readFileSync(join(dir, '.loop/runs/bg1/supervisor.log'), 'utf8'), /merged \(exit 0\): all 2 tasks merged/);
  await noProcessesLeft('bg1');
});

test('runs, status, stop and resume --detach work on a detached run', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { latencyMs: 10 } }));
  // slow agents for the first supervisor only, so it is stopped mid-run; the resumed one is quick
  const started = await runLoop(['run', 'api, ui', '--run', 'bg2', '--detach', '--no-tmux'], { cwd: dir, env: { LOOP_SIM_LATENCY_MS_SIM: '60000' }, t });
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /stop: {4}loop stop bg2/);
  t.after(() => {
    const run = readRunJson(join(dir, '.loop/runs/bg2/run.json'));
    if (run && isAlive(run.pid)) process.kill(run.pid, 'SIGKILL');
  });
  const status = JSON.parse((await runLoop(['status', '--json'], { cwd: dir, t })).stdout) as { runId: string; pid: number }[];
  assert.deepEqual(status.map((r) => r.runId), ['bg2']);
  assert.match((await runLoop(['runs'], { cwd: dir, t })).stdout, /^bg2 +running /m);
  await waitFor('an agent at work', () => boardEvents(dir, 'bg2').some((e) => e.type === 'attempt.started'));
  const stopped = await runLoop(['stop', 'bg2'], { cwd: dir, t });
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match((await runLoop(['runs'], { cwd: dir, t })).stdout, /^bg2 +interrupted /m);
  const resumed = await runLoop(['resume', 'bg2', '--detach', '--no-tmux'], { cwd: dir, t });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.notEqual(readRunJson(join(dir, '.loop/runs/bg2/run.json'))!.pid, status[0]!.pid, 'a new supervisor');
  await waitFor('the resumed run to finish', () => readRunJson(join(dir, '.loop/runs/bg2/run.json'))?.status === 'merged', 90_000);
  await noProcessesLeft('bg2');
});
