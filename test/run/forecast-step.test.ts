/**
 * The forecast `loop run` prints before spending, through the real CLI on sim agents: with no
 * history, from an earlier --execute run, and the budget question — asked on a real terminal (a
 * pty from util-linux `script`), skipped by --yes, never waited for without a terminal.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boardEvents, LOOP_BIN, runLoop } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { GIT_ENV, git, tempDir, tempRepo } from '../helpers/temp.js';
import { shellQuote } from '../../src/util/shell-quote.js';

const PLAN = [
  'tasks:',
  '  - {id: api, title: API, role: backend, acceptance: [ok]}',
  '  - {id: ui, title: UI, role: frontend, acceptance: [ok], dependsOn: [api]}',
  '  - {id: docs, title: Docs, role: backend, acceptance: [ok]}',
  '',
].join('\n');

/** A repository with a sim team whose calls cost money, so a small budget is passed by the forecast. */
function project(t: TestContext, budgetUsd: number): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempRepo(t, { 'README.md': '# project\n' });
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ sim: { costUsd: 0.1, latencyMs: 20 }, critic: { costUsd: 0.05 }, loop: { budgetUsd, maxParallel: 2 } }));
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'team']);
  return { dir, env: { LOOP_HOME: tempDir(t, 'loop-home-') } };
}

test('a dry-run prints the forecast for --execute: the critical path, and plainly that there is no history yet', async (t) => {
  const { dir, env } = project(t, 50);
  const result = await runLoop(['run', 'app', '--plan', 'plan.yaml', '--run', 'dry'], { cwd: dir, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /forecast for --execute · 3 tasks · no history yet/);
  assert.match(result.stdout, /critical path api → ui \(2 tasks\); expected wall time: unknown/);
  assert.match(result.stdout, /cost \$0\.45–\$1\.35 \(1–3 attempts per task; sim, sim-critic by loop's per-call estimate/);
});

test('without a terminal, --execute over the forecast says it is not asking and starts; the next run forecasts from it', async (t) => {
  const { dir, env } = project(t, 1);
  const first = await runLoop(['run', 'app', '--plan', 'plan.yaml', '--run', 'first', '--execute'], { cwd: dir, env, t });
  assert.match(first.stdout, /upper bound \$1\.35 passes the budget \$1\.00; the run stops dispatching once the budget is spent; not asking \(no terminal\), starting/);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.ok(boardEvents(dir, 'first').some((e) => e.type === 'task.merged'));
  const second = await runLoop(['run', 'app', '--plan', 'plan.yaml', '--run', 'second'], { cwd: dir, env, t });
  assert.match(second.stdout, /forecast for --execute · 3 tasks · from 1 earlier run here/);
  assert.match(second.stdout, /critical path api → ui \(2 tasks, ~\d+s\); expected wall time ~\d+s at maxParallel 2/);
  assert.match(second.stdout, /cost \$0\.45–\$0\.45 \(1 attempt per task\)/);
});

/** `loop run` on a pseudo-terminal; `answer` is typed once the question shows. */
function onTerminal(t: TestContext, dir: string, env: NodeJS.ProcessEnv, args: string[], answer: string | null): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, LOOP_BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  let answered = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (answer !== null && !answered && output.includes('Start anyway? [y/N]')) {
      answered = true;
      child.stdin.write(answer);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

test('on a terminal, --execute asks before spending when the forecast passes the budget; "n" starts nothing (exit 4)', async (t) => {
  const { dir, env } = project(t, 0.2);
  const result = await onTerminal(t, dir, env, ['run', 'app', '--plan', 'plan.yaml', '--run', 'asked', '--execute'], 'n\r');
  assert.match(result.output, /passes the budget \$0\.20; the run stops dispatching once the budget is spent\. Start anyway\? \[y\/N\]/);
  assert.match(result.output, /not started: raise loop\.budgetUsd, trim the plan, or pass --yes/);
  assert.equal(result.code, 4, result.output);
  assert.equal(boardEvents(dir, 'asked').some((e) => e.type === 'task.dispatched'), false);
});

test('on a terminal, --yes starts without asking', async (t) => {
  const { dir, env } = project(t, 5 / 100);
  const result = await onTerminal(t, dir, env, ['run', 'app', '--plan', 'plan.yaml', '--run', 'yes', '--execute', '--yes'], null);
  assert.match(result.output, /passes the budget \$0\.05; the run stops dispatching once the budget is spent; starting \(--yes\)/);
  assert.doesNotMatch(result.output, /Start anyway/);
  assert.ok(boardEvents(dir, 'yes').some((e) => e.type === 'task.dispatched' || e.type === 'budget.exhausted'));
});
