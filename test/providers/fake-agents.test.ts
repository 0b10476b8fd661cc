/**
 * The fakes are only worth something if they refuse what the real CLIs refuse: their answers to bad
 * command lines are compared with the real captures in test/fixtures/providers/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup } from '../../supervisor/process-group.js';
import { runAgent } from '../../src/providers/run-agent.js';
import { fakeAgents, type FakeAgents } from '../helpers/fake-agents.js';
import { tempDir, tempRepo } from '../helpers/temp.js';
import { captureFixture } from './fixtures.js';

function runFake(fakes: FakeAgents, cwd: string, cli: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cli, args, { cwd, env: { ...fakes.env, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

const rejections: Array<{ name: string; cli: string; capture: string; args: string[]; compare: 'all' | 'first-line'; env?: NodeJS.ProcessEnv; onlyAsRoot?: boolean }> = [
  { name: 'claude: an unknown option', cli: 'claude', capture: 'unauth-bad-flag.txt', args: ['-p', 'hi', '--output-format', 'json', '--no-such-flag'], compare: 'all' },
  { name: 'claude: an invalid --output-format', cli: 'claude', capture: 'unauth-bad-output-format.txt', args: ['-p', 'hi', '--output-format', 'yaml'], compare: 'all' },
  { name: 'claude: stream-json without --verbose', cli: 'claude', capture: 'unauth-stream-json-no-verbose.txt', args: ['-p', 'hi', '--output-format', 'stream-json'], compare: 'all' },
  {
    name: 'claude: skipping permissions as root without IS_SANDBOX=1', cli: 'claude', capture: 'unauth-skip-permissions-root-no-IS_SANDBOX.txt',
    args: ['-p', 'hi', '--output-format', 'json', '--dangerously-skip-permissions'], compare: 'all', env: { IS_SANDBOX: 'yes' }, onlyAsRoot: true,
  },
  { name: 'codex: --full-auto (removed in 0.147)', cli: 'codex', capture: 'unauth-exec-full-auto.txt', args: ['exec', '--full-auto', '--json', '--skip-git-repo-check', 'hi'], compare: 'all' },
  { name: 'codex: --effort (never existed)', cli: 'codex', capture: 'unauth-exec-bad-flag.txt', args: ['exec', '--effort', 'medium', '--json', '--skip-git-repo-check', 'hi'], compare: 'all' },
  { name: 'codex: a non-git cwd without --skip-git-repo-check', cli: 'codex', capture: 'unauth-exec-json-nongit.txt', args: ['exec', '--json', 'hi'], compare: 'all' },
  { name: 'gemini: an unknown option', cli: 'gemini', capture: 'unauth-bad-flag.txt', args: ['-p', 'hi', '--output-format', 'json', '--no-such-flag'], compare: 'first-line' },
];

for (const r of rejections) {
  test(`the fake refuses like the real one: ${r.name}`, async (t) => {
    if (r.onlyAsRoot && process.getuid?.() !== 0) return t.skip('only refused when running as root');
    const fakes = fakeAgents(t);
    const real = captureFixture(r.cli, r.capture);
    const fake = await runFake(fakes, tempDir(t), r.cli, r.args, r.env);
    assert.equal(fake.code, real.exitCode);
    assert.equal(fake.stdout, '');
    if (r.compare === 'all') assert.equal(fake.stderr, real.stderr);
    else assert.equal(fake.stderr.split('\n')[0], real.stderr.split('\n')[0]);
    assert.deepEqual(fakes.readLog(), [], 'a refused command line never reaches the model');
  });
}

test('the fake gemini refuses an untrusted folder (exit 55) unless --skip-trust or the env var says so', async (t) => {
  const fakes = fakeAgents(t);
  const cwd = tempDir(t);
  const refused = await runFake(fakes, cwd, 'gemini', ['-p', 'hi', '--output-format', 'json', '--approval-mode', 'yolo']);
  assert.equal(refused.code, 55);
  assert.match(refused.stderr, /Approval mode overridden to "default"/);
  assert.equal((await runFake(fakes, cwd, 'gemini', ['-p', 'hi', '-o', 'json', '--skip-trust'])).code, 0);
  assert.equal((await runFake(fakes, cwd, 'gemini', ['-p', 'hi', '-o', 'json'], { GEMINI_CLI_TRUST_WORKSPACE: 'true' })).code, 0);
});

test('the fake codex runs in a git repository without --skip-git-repo-check', async (t) => {
  const fakes = fakeAgents(t);
  const repo = tempRepo(t, { 'README.md': 'x\n' });
  const result = await runFake(fakes, repo, 'codex', ['exec', '--json', 'hi']);
  assert.equal(result.code, 0, result.stderr);
});

test('the fake codex blocks on an open stdin pipe until EOF, like the real one', async (t) => {
  const fakes = fakeAgents(t);
  const child = spawn('codex', ['exec', '--json', '--skip-git-repo-check', 'hi'], { cwd: tempDir(t), env: fakes.env, stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.setEncoding('utf8');
  await new Promise<void>((resolve) => child.stderr.on('data', (chunk: string) => ((stderr += chunk), stderr.includes('Reading additional input from stdin') && resolve())));
  assert.equal(child.exitCode, null, 'still waiting for stdin');
  child.stdin.end('more context');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  const [call] = fakes.readLog();
  assert.equal(call?.stdin, 'data');
  assert.equal(call?.prompt, 'hi\n\n<stdin>\nmore context\n</stdin>');
});

test('the fake gemini proceeds after 500 ms of silence on an open stdin pipe', async (t) => {
  const fakes = fakeAgents(t);
  const child = spawn('gemini', ['-p', 'hi', '-o', 'json', '--skip-trust'], { cwd: tempDir(t), env: fakes.env, stdio: ['pipe', 'ignore', 'ignore'] });
  t.after(() => child.kill('SIGKILL'));
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.equal(fakes.readLog()[0]?.stdin, 'open');
});

test('the scenario module sees the call and shapes the answer', async (t) => {
  const fakes = fakeAgents(t);
  fakes.writeScript(`export default async (ctx) => ({ text: [ctx.cli, ctx.kind, ctx.callIndex, ctx.sh('echo from-sh').trim()].join(' ') });`);
  const cwd = tempDir(t);
  const first = await runFake(fakes, cwd, 'claude', ['-p', '# Plan request\n\nSplit it.', '--output-format', 'text']);
  assert.equal(first.stdout, 'claude plan 0 from-sh\n');
  const second = await runFake(fakes, cwd, 'gemini', ['-p', 'Role text\n\n---\n\n# Review of task t1', '-o', 'text', '--skip-trust']);
  assert.equal(second.stdout, 'gemini review 1 from-sh\n');
});

test('a fake told to ignore SIGTERM has to be SIGKILLed', async (t) => {
  const fakes = fakeAgents(t);
  // effects run in order: the SIGTERM handler, then the background command, then the hang
  fakes.writeScript(`export default async () => ({ ignoreTerm: true, background: 'touch handler-installed', hangMs: 60000 });`);
  const cwd = tempDir(t);
  const controller = new AbortController();
  let pid = 0;
  t.after(() => signalGroup(pid, 'SIGKILL'));
  const running = runAgent({
    invocation: { command: 'claude', args: ['-p', 'hi', '--output-format', 'json'], env: fakes.env as Record<string, string>, cwd, stdin: null },
    logFile: join(tempDir(t), 'log'), deadlineMs: 120_000, graceMs: 300, signal: controller.signal, onStart: (started) => (pid = started),
  });
  for (const deadline = Date.now() + 30_000; !existsSync(join(cwd, 'handler-installed')) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  const raw = await running;
  assert.equal(raw.timedOut, false);
  assert.equal(raw.signal, 'SIGKILL');
});
