import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommands, checkConfig, checkDisk, checkGit, checkNode, checkProvider, checkTmux, checkWritable, evaluate, GiB, MiB, type DoctorFacts } from '../../src/doctor/checks.js';
import type { ProviderAuthStatus } from '../../src/auth/status.js';

const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  platform: 'linux',
  nodeVersion: 'v20.20.2',
  gitVersion: 'git version 2.39.5',
  repositories: [{ name: 'app', path: '/w/app', worktreeListOk: true, hasCommits: true }],
  folder: '/w/app',
  tmux: { path: '/usr/bin/tmux', version: 'tmux 3.3a' },
  config: { file: 'loop.config.yaml', errors: [], warnings: 0, roles: 5 },
  providers: [],
  commands: [],
  disks: [{ label: 'at app', path: '/w/app', freeBytes: 10 * GiB }],
  writable: [{ label: '$LOOP_HOME', path: '/h/state', ok: true, willCreate: false }],
  nats: null,
  remotes: null,
  ...over,
});

const provider = (over: Partial<ProviderAuthStatus>): ProviderAuthStatus => ({
  key: 'claude', type: 'claude', enabled: true, usedBy: ['backend'], command: 'claude', commandPath: '/bin/claude', version: '2.1.331',
  mode: 'subscription', env: null, loginFile: '/h/.claude/.credentials.json', ready: true, notes: [], fix: null, ...over,
});

const node: Array<[string, string]> = [['v20.0.0', 'ok'], ['v22.3.1', 'ok'], ['v18.19.0', 'fail'], ['v16.0.0', 'fail']];
for (const [version, status] of node) {
  test(`node ${version} is ${status}`, () => assert.equal(checkNode(version).status, status));
}

test('a missing git fails with the install command', () => {
  const [check] = checkGit(facts({ gitVersion: null }));
  assert.deepEqual(check, { status: 'fail', name: 'git', detail: 'git is not on PATH; loop works in git worktrees', fix: 'sudo apt-get install -y git (or: brew install git)' });
});

test('no repository fails, because --execute needs one', () => {
  const checks = checkGit(facts({ repositories: [], folder: '/w/plain' }));
  assert.equal(checks[1]?.status, 'fail');
  assert.match(checks[1]!.detail, /^\/w\/plain is not inside a git repository/);
});

test('a repository without commits or with a broken worktree list fails', () => {
  const checks = checkGit(facts({ repositories: [
    { name: 'new', path: '/w/new', worktreeListOk: true, hasCommits: false },
    { name: 'broken', path: '/w/broken', worktreeListOk: false, hasCommits: true, error: 'fatal: bad' },
    { name: 'good', path: '/w/good', worktreeListOk: true, hasCommits: true },
  ] }));
  assert.deepEqual(checks.map((c) => [c.name, c.status]), [['git', 'ok'], ['repository new', 'fail'], ['repository broken', 'fail'], ['repository good', 'ok']]);
});

test('a missing tmux is only a warning, with the apt-get or brew command', () => {
  assert.deepEqual(checkTmux(facts({ tmux: { path: null, version: null } })), {
    status: 'warn', name: 'tmux', detail: 'not found; loop runs headless without it (no live pane per role)', fix: 'sudo apt-get install -y tmux (or: brew install tmux)',
  });
  assert.equal(checkTmux(facts({ platform: 'darwin', tmux: { path: null, version: null } })).fix, 'brew install tmux');
  assert.equal(checkTmux(facts()).status, 'ok');
});

test('config: missing warns, errors fail, valid is ok', () => {
  assert.equal(checkConfig({ file: null, errors: [], warnings: 0, roles: 0 }).status, 'warn');
  assert.equal(checkConfig({ file: 'c.yaml', errors: ['c.yaml:1:1: bad'], warnings: 0, roles: 0 }).status, 'fail');
  assert.deepEqual(checkConfig({ file: 'c.yaml', errors: [], warnings: 1, roles: 5 }), { status: 'ok', name: 'config', detail: 'c.yaml is valid: 5 role(s), 1 warning(s) (see `loop validate`)' });
});

const providers: Array<[string, ProviderAuthStatus, boolean, string]> = [
  ['a ready provider', provider({}), true, 'ok'],
  ['sim', provider({ key: 'sim', type: 'sim', mode: 'not-needed', commandPath: null }), true, 'ok'],
  ['a provider a role uses whose CLI is missing', provider({ commandPath: null, ready: false, fix: 'install it' }), true, 'fail'],
  ['a provider a role uses with no login', provider({ mode: 'none', ready: false, fix: 'log in' }), true, 'fail'],
  ['an unready provider when there is no config', provider({ commandPath: null, ready: false }), false, 'warn'],
];
for (const [name, status, required, expected] of providers) {
  test(`provider check: ${name} is ${expected}`, () => assert.equal(checkProvider(status, required).status, expected));
}

test('a failing provider line carries the fix from auth status', () => {
  const check = checkProvider(provider({ commandPath: null, ready: false, fix: 'claude is not on PATH: install it' }), true);
  assert.deepEqual(check, {
    status: 'fail', name: 'provider claude', detail: 'claude not found; needed for `loop run --execute` (used by backend)', fix: 'claude is not on PATH: install it',
  });
});

const disks: Array<[number | null, string]> = [[50 * MiB, 'fail'], [99 * MiB, 'fail'], [100 * MiB, 'warn'], [900 * MiB, 'warn'], [GiB, 'ok'], [null, 'warn']];
for (const [free, status] of disks) {
  test(`${free === null ? 'unknown' : `${Math.round(free / MiB)} MiB`} free disk is ${status}`, () => {
    assert.equal(checkDisk({ label: 'at app', path: '/w', freeBytes: free }).status, status);
  });
}

test('an unwritable state folder fails with a fix', () => {
  const check = checkWritable({ label: '$LOOP_HOME', path: '/h/state', ok: false, willCreate: true, error: 'EACCES' });
  assert.equal(check.status, 'fail');
  assert.equal(check.detail, 'cannot write in /h/state: EACCES');
  assert.match(check.fix ?? '', /point \$LOOP_HOME somewhere writable/);
});

test('evaluate: a ready machine has no fail; one failing input makes it not ready', () => {
  assert.equal(evaluate(facts()).some((c) => c.status === 'fail'), false);
  assert.equal(evaluate(facts({ tmux: { path: null, version: null } })).some((c) => c.status === 'fail'), false);
  assert.equal(evaluate(facts({ providers: [provider({ ready: false, commandPath: null })] })).some((c) => c.status === 'fail'), true);
  assert.equal(evaluate(facts({ config: { file: null, errors: [], warnings: 0, roles: 0 }, providers: [provider({ ready: false, commandPath: null })] })).some((c) => c.status === 'fail'), false);
});

test('a setup or test command whose program is missing fails, one check per program, with the keys that override it', () => {
  const missing = [
    { detail: 'the setup command "uv sync" (learned from uv.lock) runs "uv", which is not on PATH', fix: 'install uv, or set loop.setup in the loop config to a command this machine can run' },
    { detail: 'the test command "uv run pytest" (learned from pyproject.toml) runs "uv", which is not on PATH', fix: 'install uv, or set loop.testCommand in the loop config to a command this machine can run' },
  ];
  const checks = checkCommands({ repo: 'app', setup: 'uv sync', test: 'uv run pytest', missing });
  assert.deepEqual(checks.map((c) => [c.status, c.name]), [['fail', 'repository app commands'], ['fail', 'repository app commands']]);
  assert.equal(checks[1]!.fix, missing[1]!.fix);
  assert.deepEqual(checkCommands({ repo: 'app', setup: 'npm ci', test: 'npm test', missing: [] }), [
    { status: 'ok', name: 'repository app commands', detail: 'setup "npm ci", test "npm test": every program they start is on PATH' },
  ]);
  assert.equal(evaluate(facts({ commands: [{ repo: 'app', setup: null, test: 'uv run pytest', missing: missing.slice(1) }] })).filter((c) => c.status === 'fail').length, 1);
});
