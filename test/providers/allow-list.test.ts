import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { callProvider } from '../../src/providers/call.js';
import { fakeAgents } from '../helpers/fake-agents.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { contextFor } from './fixtures.js';
import { claudeBashRules, commandParts, geminiPolicy, geminiPolicyPath } from '../../src/providers/allow-list.js';

test('a command line splits where a shell would run the next command, quotes kept whole', () => {
  assert.deepEqual(commandParts('cd web && npm test'), ['cd web', 'npm test']);
  assert.deepEqual(commandParts('make lint; make test || true | tee x'), ['make lint', 'make test', 'true', 'tee x']);
  assert.deepEqual(commandParts(`pytest -k "a && b" 'x;y'`), [`pytest -k "a && b" 'x;y'`]);
  assert.deepEqual(commandParts('PYTHONPATH=src python3 -m pytest'), ['PYTHONPATH=src python3 -m pytest']);
  assert.deepEqual(commandParts('  '), []);
});

test('claude: one Bash rule per part, with arguments allowed; cd exactly; * and \\ escaped; parentheses skipped', () => {
  assert.deepEqual(claudeBashRules(['npm test', 'cd web && npm run lint', 'npm test', 'pytest tests/*.py', 'grep -E a\\|b', 'make check (x)']), {
    rules: ['Bash(npm test *)', 'Bash(cd web)', 'Bash(npm run lint *)', 'Bash(pytest tests/\\*.py *)', 'Bash(grep -E a\\\\|b *)'],
    skipped: ['make check (x)'],
  });
  assert.deepEqual(claudeBashRules([]), { rules: [], skipped: [] });
});

test('gemini: a policy file allowing run_shell_command for each part as a prefix', () => {
  const text = geminiPolicy(['npm test', 'cd web && npm run lint']);
  assert.match(text, /^# Written by loop/);
  assert.deepEqual(JSON.parse(JSON.stringify(parse(text))), {
    rule: [{ toolName: 'run_shell_command', commandPrefix: ['npm test', 'cd web', 'npm run lint'], decision: 'allow', priority: 100 }],
  });
  assert.equal(geminiPolicyPath('/run/prompts/t1.2.md'), '/run/prompts/t1.2.gemini-policy.toml');
});

// Through the fake CLIs (real processes on PATH that honour each CLI's permission flags as the real one does).

/** A worktree whose `npm test` leaves a marker, and a scenario where the model runs `command` with its shell tool. */
async function runThrough(t: TestContext, config: Parameters<typeof contextFor>[1], command: string, allowedCommands?: string[]) {
  const fakes = fakeAgents(t);
  const workdir = tempDir(t, 'loop-allow-');
  writeFiles(workdir, { 'package.json': JSON.stringify({ name: 'app', scripts: { test: `node -e "require('fs').writeFileSync('tested.txt', process.argv.slice(1).join(' ') || 'ok')"` } }) });
  fakes.writeScript(`export default async (ctx) => { const run = ctx.run(${JSON.stringify(command)}); return { text: run.allowed ? 'ran the tests' : 'the shell was refused' }; };`);
  const ctx = contextFor(t, config, { env: fakes.env, workdir, ...(allowedCommands ? { allowedCommands } : {}) });
  const result = await callProvider({ ...ctx, deadlineMs: 60_000, logFile: join(tempDir(t), 'agent.log') });
  const [call] = fakes.readLog();
  return { result, argv: call!.argv, ran: existsSync(join(workdir, 'tested.txt')), promptFile: ctx.promptFile };
}

test("claude in acceptEdits runs the project's npm test when loop allows it, and is refused without the allow-list", async (t) => {
  const allowed = await runThrough(t, { type: 'claude' }, 'npm test', ['npm test', 'npm run lint']);
  assert.equal(allowed.ran, true);
  assert.equal(allowed.result.ok, true, allowed.result.errorMessage);
  assert.deepEqual(allowed.argv.slice(allowed.argv.indexOf('--allowedTools'), allowed.argv.indexOf('--allowedTools') + 3), ['--allowedTools', 'Bash(npm test *)', 'Bash(npm run lint *)']);
  const withArguments = await runThrough(t, { type: 'claude' }, 'npm test -- adds', ['npm test']);
  assert.equal(withArguments.ran, true, 'the rule allows more arguments');
  const refused = await runThrough(t, { type: 'claude' }, 'npm test');
  assert.equal(refused.ran, false);
  assert.equal(refused.result.ok, false);
  assert.equal(refused.result.errorKind, 'permission');
  assert.match(refused.result.errorMessage ?? '', /Bash/);
  const chained = await runThrough(t, { type: 'claude' }, 'npm test && touch escaped.txt', ['npm test']);
  assert.equal(chained.ran, false, 'a command chained to an allowed one is still refused');
  assert.equal(chained.result.errorKind, 'permission');
});

test('claude with a bypass mode the user set runs any command, and gets no allow-list', async (t) => {
  const bypass = await runThrough(t, { type: 'claude', permissionMode: 'bypassPermissions' }, 'npm test', ['npm test']);
  assert.equal(bypass.ran, true);
  assert.ok(!bypass.argv.includes('--allowedTools'));
});

test("gemini in auto_edit runs the project's npm test through loop's policy file, and is refused without it", async (t) => {
  const allowed = await runThrough(t, { type: 'gemini' }, 'npm test', ['npm test']);
  assert.equal(allowed.ran, true);
  assert.equal(allowed.result.ok, true, allowed.result.errorMessage);
  const policyPath = allowed.argv[allowed.argv.indexOf('--policy') + 1]!;
  assert.equal(policyPath, allowed.promptFile.replace(/\.md$/, '.gemini-policy.toml'));
  assert.match(readFileSync(policyPath, 'utf8'), /commandPrefix = \[ "npm test" \]/);
  const refused = await runThrough(t, { type: 'gemini' }, 'npm test');
  assert.equal(refused.ran, false);
  const chained = await runThrough(t, { type: 'gemini' }, 'npm test; touch escaped.txt', ['npm test']);
  assert.equal(chained.ran, false);
});

test('codex in workspace-write runs the project commands in its sandbox with or without a list', async (t) => {
  assert.equal((await runThrough(t, { type: 'codex' }, 'npm test', ['npm test'])).ran, true);
  assert.equal((await runThrough(t, { type: 'codex' }, 'npm test')).ran, true);
});
