/** `loop start`: the manual mode, one tmux session per role, found by exact name. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { fakeAgents } from '../helpers/fake-agents.js';
import { runLoop } from '../helpers/loop-cli.js';
import { tempDir } from '../helpers/temp.js';
import { tmuxServer } from '../helpers/tmux.js';
import { stringify } from 'yaml';

function project(t: test.TestContext): string {
  const dir = tempDir(t, 'loop-start-');
  writeFileSync(join(dir, 'brief.md'), '# Brief\n\nEvery function has a test.\n');
  writeFileSync(join(dir, 'loop.config.yaml'), stringify({
    version: 1, project: 'shop',
    providers: { claude: { type: 'claude', permissionMode: 'acceptEdits' }, sim: { type: 'sim' } },
    roles: [
      { name: 'be1', title: 'Backend engineer', sme: 'backend', provider: 'claude' },
      { name: 'qa', sme: 'qa', provider: 'sim' },
    ],
  }));
  return dir;
}

test('--execute launches the role\'s CLI with its prompt loaded: the fake claude shows the role prompt\'s text', async (t) => {
  const dir = project(t);
  const fakes = fakeAgents(t);
  const tmux = tmuxServer(t, fakes.env);
  const result = await runLoop(['start', '--run', 'sprint-1', '--role', 'be1', '--execute'], { cwd: dir, env: tmux.env, t });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^ {2}be1: claude started with the role prompt loaded · tmux -L \S+ attach -t =loop-shop-sprint-1-be1:$/m);
  const shown = await tmux.waitForText('=loop-shop-sprint-1-be1:', 'ready: write <path> <text>');
  assert.match(shown, /^fake claude \(interactive\) in /m);
  assert.match(shown, /^ {2}# Backend engineer \(be1\)$/m);
  const call = fakes.readLog().find((c) => c.interactive)!;
  assert.equal(call.systemPrompt, readFileSync(join(dir, '.loop/runs/sprint-1/prompts/be1.md'), 'utf8'), 'the whole prompt, loaded');
  assert.match(call.systemPrompt!, /Every function has a test\./, 'with the brief');
  // the CLI ending does not make the session vanish
  tmux.run(['send-keys', '-t', '=loop-shop-sprint-1-be1:', 'exit 3', 'Enter']);
  await tmux.waitForText('=loop-shop-sprint-1-be1:', /claude exited \(3\); this is a shell in /);
});

test('without --execute each role gets its prompt on screen and a shell; run ids match exactly (bug-4 is never bug-42)', async (t) => {
  const dir = project(t);
  const tmux = tmuxServer(t);
  const first = await runLoop(['start', '--run', 'bug-42'], { cwd: dir, env: tmux.env, t });
  assert.equal(first.code, 0, first.stderr);
  await tmux.waitForText('=loop-shop-bug-42-qa:', /qa's prompt: .*bug-42\/prompts\/qa\.md \(above\)/);
  const second = await runLoop(['start', '--run', 'bug-4'], { cwd: dir, env: tmux.env, t });
  assert.doesNotMatch(second.stdout, /already open/, 'the bug-42 sessions are not taken for bug-4\'s');
  assert.deepEqual(tmux.run(['list-sessions', '-F', '#{session_name}']).split('\n').sort(), ['loop-shop-bug-4-be1', 'loop-shop-bug-4-qa', 'loop-shop-bug-42-be1', 'loop-shop-bug-42-qa']);
  const again = await runLoop(['start', '--run', 'bug-4', '--role', 'qa'], { cwd: dir, env: tmux.env, t });
  assert.match(again.stdout, /^ {2}qa: session loop-shop-bug-4-qa is already open · /m);
  const unknown = await runLoop(['start', '--run', 'bug-4', '--role', 'nobody'], { cwd: dir, env: tmux.env, t });
  assert.deepEqual([unknown.code, unknown.stderr.replace(dir, '<dir>')], [2, 'loop: no role "nobody" in <dir>/loop.config.yaml (roles: be1, qa)\n']);
});
