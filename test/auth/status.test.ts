import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkProviders, decideStatus, type ProviderTarget } from '../../src/auth/status.js';
import { findExecutable, probeVersion } from '../../src/auth/executable.js';
import { fakeBin } from '../config/helpers.js';
import { tempDir } from '../helpers/temp.js';

const target = (over: Partial<ProviderTarget>): ProviderTarget => ({ key: 'claude', type: 'claude', env: {}, enabled: true, usedBy: [], ...over });
const found = { commandPath: '/bin/claude', version: '2.1.331 (Claude Code)' };
const key = { keyEnv: 'ANTHROPIC_API_KEY', loginFile: null, notes: [] };
const login = { keyEnv: null, loginFile: '/h/.claude/.credentials.json', notes: [] };
const nothing = { keyEnv: null, loginFile: null, notes: [] };

const decisions: Array<[string, ProviderTarget, Parameters<typeof decideStatus>[1], { ready: boolean; mode: string; fix: string | null }]> = [
  ['an API key beats a stored login', target({}), { ...found, credentials: { ...key, loginFile: '/h/x' } }, { ready: true, mode: 'api-key', fix: null }],
  ['a stored login is a subscription', target({}), { ...found, credentials: login }, { ready: true, mode: 'subscription', fix: null }],
  ['a CLI without credentials is not ready', target({}), { ...found, credentials: nothing }, {
    ready: false, mode: 'none', fix: 'not logged in: run `claude` and /login (or `claude setup-token`), or set ANTHROPIC_API_KEY',
  }],
  ['credentials without the CLI are not ready', target({}), { commandPath: null, version: null, credentials: key }, {
    ready: false, mode: 'api-key', fix: 'claude is not on PATH: install it with `npm install -g @anthropic-ai/claude-code`, or set command: to its full path',
  }],
  ['sim is always ready', target({ key: 'sim', type: 'sim' }), { commandPath: null, version: null, credentials: null }, { ready: true, mode: 'not-needed', fix: null }],
  ['a command provider is ready when its command is found', target({ key: 'aider', type: 'command', command: 'aider' }), { commandPath: '/bin/aider', version: null, credentials: null }, { ready: true, mode: 'unknown', fix: null }],
  ['a command provider whose command is missing is not ready', target({ key: 'aider', type: 'command', argv: ['aider', '{prompt}'] }), { commandPath: null, version: null, credentials: null }, {
    ready: false, mode: 'unknown', fix: 'aider is not on PATH: install it, or set command: to its full path',
  }],
  ['a custom provider with no command says to set one', target({ key: 'x', type: 'custom' }), { commandPath: null, version: null, credentials: null }, {
    ready: false, mode: 'unknown', fix: 'set command: (or argv:) under providers.x',
  }],
];

for (const [name, input, facts, expected] of decisions) {
  test(`auth decision: ${name}`, () => {
    const status = decideStatus(input, facts);
    assert.deepEqual({ ready: status.ready, mode: status.mode, fix: status.fix }, expected);
  });
}

test('the CLI is found by walking PATH, skipping non-executable files and folders', (t) => {
  const bin = fakeBin(t, { claude: 'echo 1' });
  const other = tempDir(t);
  writeFileSync(join(other, 'claude'), 'not executable');
  mkdirSync(join(other, 'codex'));
  assert.equal(findExecutable('claude', { PATH: `${other}:${bin}` }), join(bin, 'claude'));
  assert.equal(findExecutable('codex', { PATH: `${other}:${bin}` }), null);
  assert.equal(findExecutable('claude', { PATH: '' }), null);
  assert.equal(findExecutable('./bin/claude', { PATH: '' }, join(bin, '..')), join(bin, 'claude'));
});

test('the version is the first non-empty output line; a CLI that hangs gives no version', async (t) => {
  const bin = fakeBin(t, { claude: 'echo\necho "2.1.331 (Claude Code)"\necho more', slow: 'exec /bin/sleep 30' });
  assert.equal(await probeVersion(join(bin, 'claude'), { PATH: bin }), '2.1.331 (Claude Code)');
  assert.equal(await probeVersion(join(bin, 'slow'), { PATH: bin }, 200), null);
});

test('the version probe runs with stdin closed', async (t) => {
  const bin = fakeBin(t, { codex: 'if read line; then echo "stdin was open"; else echo "codex-cli 0.169.0"; fi' });
  assert.equal(await probeVersion(join(bin, 'codex'), { PATH: bin }), 'codex-cli 0.169.0');
});

test('checkProviders finds fake CLIs on PATH, their versions and stored logins in HOME', async (t) => {
  const bin = fakeBin(t, { claude: 'echo "2.1.331 (Claude Code)"', codex: 'echo "codex-cli 0.169.0"' });
  const home = tempDir(t);
  mkdirSync(join(home, '.codex'));
  writeFileSync(join(home, '.codex', 'auth.json'), '{"tokens":{}}');
  writeFileSync(join(home, '.claude.json'), '{"numStartups": 3}'); // no oauthAccount: not a login
  const statuses = await checkProviders(
    [target({}), target({ key: 'codex', type: 'codex' }), target({ key: 'gemini', type: 'gemini' }), target({ key: 'sim', type: 'sim' })],
    { env: { PATH: bin, HOME: home }, cwd: home },
  );
  assert.deepEqual(statuses.map((s) => [s.key, s.ready, s.mode, s.version]), [
    ['claude', false, 'none', '2.1.331 (Claude Code)'],
    ['codex', true, 'subscription', 'codex-cli 0.169.0'],
    ['gemini', false, 'none', null],
    ['sim', true, 'not-needed', null],
  ]);
  assert.equal(statuses[1]!.loginFile, join(home, '.codex', 'auth.json'));
});

test('a provider env: block counts, and ~/.claude.json with an oauthAccount is a login', async (t) => {
  const bin = fakeBin(t, { claude: 'echo 2.1.331', gemini: 'echo 0.61.0' });
  const home = tempDir(t);
  writeFileSync(join(home, '.claude.json'), '{"oauthAccount": {"emailAddress": "a@b"}}');
  const statuses = await checkProviders(
    [target({}), target({ key: 'gemini', type: 'gemini', env: { GEMINI_API_KEY: 'from-config' } })],
    { env: { PATH: bin, HOME: home }, cwd: home },
  );
  assert.deepEqual(statuses.map((s) => [s.key, s.ready, s.mode, s.env]), [
    ['claude', true, 'subscription', null],
    ['gemini', true, 'api-key', 'GEMINI_API_KEY'],
  ]);
});
