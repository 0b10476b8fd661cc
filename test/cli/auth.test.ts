import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeBin, isolatedEnv, runLoop } from '../config/helpers.js';
import { tempRepo, writeFiles } from '../helpers/temp.js';

const SECRET = 'sk-ant-secret-value-123';

/** A repo with the starter config, fake claude and codex on PATH, a codex login in HOME. */
function setup(t: TestContext, extraEnv: NodeJS.ProcessEnv = {}) {
  const repo = tempRepo(t, { 'README.md': '# app\n' });
  const bin = fakeBin(t, { claude: 'echo "2.1.331 (Claude Code)"', codex: 'echo "codex-cli 0.169.0"' });
  const env = isolatedEnv(t, { PATH: bin, ANTHROPIC_API_KEY: SECRET, ...extraEnv });
  mkdirSync(join(env['HOME']!, '.codex'));
  writeFileSync(join(env['HOME']!, '.codex', 'auth.json'), '{"tokens": {}}');
  assert.equal(runLoop(['init'], { cwd: repo, env }).code, 0);
  return { repo, bin, env };
}

test('auth status finds CLIs on the caller PATH and reports credentials by name only', (t) => {
  const { repo, bin, env } = setup(t, { OPENAI_API_KEY: 'sk-openai-secret' });
  const result = runLoop(['auth', 'status'], { cwd: repo, env });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.equal(lines[0], 'providers in loop.config.yaml:');
  assert.equal(lines.find((l) => l.startsWith('claude ')), `claude      claude  ready      disabled in the config; 2.1.331 (Claude Code) at ${join(bin, 'claude')}; key in ANTHROPIC_API_KEY`);
  assert.equal(lines.find((l) => l.startsWith('codex ')), `codex       codex   ready      disabled in the config; codex-cli 0.169.0 at ${join(bin, 'codex')}; logged in (~/.codex/auth.json)`);
  assert.match(result.stdout, /note: OPENAI_API_KEY is set, but `codex exec` does not send it/);
  assert.match(lines.find((l) => l.startsWith('gemini ')) ?? '', /not ready {2}disabled in the config; gemini is not on PATH: install it with `npm install -g @google\/gemini-cli`/);
  assert.match(lines.find((l) => l.startsWith('sim ')) ?? '', /ready {6}built-in simulator; nothing to install or log in to; used by planner, architect, backend, frontend/);
  assert.doesNotMatch(result.stdout, /sk-ant-secret|sk-openai-secret/);
});

test('auth status --json has one entry per provider and no secret values', (t) => {
  const { repo, env } = setup(t);
  const result = runLoop(['auth', 'status', '--json'], { cwd: repo, env });
  assert.equal(result.code, 0);
  const report = JSON.parse(result.stdout) as { config: string; providers: Array<{ key: string; ready: boolean; mode: string; env: string | null }> };
  assert.deepEqual(report.providers.map((p) => [p.key, p.ready, p.mode, p.env]), [
    ['sim', true, 'not-needed', null],
    ['sim-critic', true, 'not-needed', null],
    ['claude', true, 'api-key', 'ANTHROPIC_API_KEY'],
    ['codex', true, 'subscription', null],
    ['gemini', false, 'none', null],
  ]);
  assert.doesNotMatch(result.stdout, new RegExp(SECRET));
});

test('without a config, auth status checks claude, codex and gemini', (t) => {
  const bin = fakeBin(t, { gemini: 'echo 0.61.0' });
  const env = isolatedEnv(t, { PATH: bin, GEMINI_API_KEY: 'x' });
  const dir = env['HOME']!;
  const result = runLoop(['auth', 'status'], { cwd: dir, env });
  assert.equal(result.code, 0);
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^no loop.config.yaml here or in a parent folder; showing claude, codex and gemini/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 3)), [['claude', 'claude', 'not ready'], ['codex', 'codex', 'not ready'], ['gemini', 'gemini', 'ready']]);
});

test('auth configure without --write prints the changes and leaves the file alone', (t) => {
  const { repo, env } = setup(t);
  const before = readFileSync(join(repo, 'loop.config.yaml'), 'utf8');
  const result = runLoop(['auth', 'configure'], { cwd: repo, env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, [
    'providers.claude.command: (unset) → claude',
    'providers.claude.auth.mode: (unset) → api-key',
    'providers.claude.auth.env: (unset) → ANTHROPIC_API_KEY',
    'providers.claude.auth.configured: (unset) → true',
    'providers.codex.command: (unset) → codex',
    'providers.codex.auth.mode: (unset) → subscription',
    'providers.codex.auth.configured: (unset) → true',
    'nothing written; run `loop auth configure --write` to apply 7 changes to loop.config.yaml',
    '',
  ].join('\n'));
  assert.equal(readFileSync(join(repo, 'loop.config.yaml'), 'utf8'), before);
});

test('auth configure --write changes only the intended lines, keeping every comment and blank line', (t) => {
  const { repo, env } = setup(t);
  const file = join(repo, 'loop.config.yaml');
  const before = readFileSync(file, 'utf8').split('\n');
  const result = runLoop(['auth', 'configure', '--write'], { cwd: repo, env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /updated loop.config.yaml: 7 changes; comments and layout kept\n$/);
  const expected = [...before];
  const afterLine = (prefix: string, lines: string[]) => {
    const index = expected.findIndex((l) => l.startsWith(prefix));
    assert.ok(index >= 0, prefix);
    expected.splice(index + 1, 0, ...lines);
  };
  afterLine('    permissionMode: acceptEdits', ['    command: claude', '    auth:', '      mode: api-key', '      env: ANTHROPIC_API_KEY', '      configured: true']);
  afterLine('    effort: medium', ['    command: codex', '    auth:', '      mode: subscription', '      configured: true']);
  const after = readFileSync(file, 'utf8');
  assert.deepEqual(after.split('\n'), expected);
  assert.doesNotMatch(after, new RegExp(SECRET));
  assert.equal(runLoop(['validate'], { cwd: repo, env }).code, 0);
  const again = runLoop(['auth', 'configure', '--write'], { cwd: repo, env });
  assert.equal(again.stdout, 'loop.config.yaml already records what this machine has; nothing to change\n');
  assert.equal(readFileSync(file, 'utf8'), after);
});

test('configured stays false when the key is set but the CLI is missing', (t) => {
  const repo = tempRepo(t, { 'README.md': '# app\n', 'brief.md': '# b\n' });
  writeFiles(repo, { 'loop.config.yaml': 'version: 1\nproviders:\n  claude:\n    type: claude\n    command: claude\nroles:\n  - name: qa\n    provider: claude\n' });
  const env = isolatedEnv(t, { PATH: fakeBin(t, {}), ANTHROPIC_API_KEY: SECRET });
  const result = runLoop(['auth', 'configure', '--write'], { cwd: repo, env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(readFileSync(join(repo, 'loop.config.yaml'), 'utf8'), /command: claude\n {4}auth:\n {6}mode: api-key\n {6}env: ANTHROPIC_API_KEY\n {6}configured: false\n/);
});

test('auth configure with a broken config reports the config problems, exit 2', (t) => {
  const repo = tempRepo(t, { 'README.md': '# app\n', 'loop.config.yaml': 'version: 1\nproviders: {}\nroles:\n  - name: a\n    provider: x\n' });
  const result = runLoop(['auth', 'configure'], { cwd: repo, env: isolatedEnv(t, { PATH: fakeBin(t, {}) }) });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^loop: loop.config.yaml:5:15: roles\[0\].provider: role "a" references provider "x"/);
  assert.match(result.stderr, /\n1 problem in loop.config.yaml; fix them and run `loop validate`\n$/);
});

test('auth status and configure have --help with examples', (t) => {
  const cwd = tempRepo(t, { 'README.md': '# app\n' });
  assert.match(runLoop(['auth', 'status', '--help'], { cwd }).stdout, /\$ loop auth status/);
  assert.match(runLoop(['auth', 'configure', '--help'], { cwd }).stdout, /\$ loop auth configure --write/);
});
