import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNpmTest, npmrcPaths, npmTestScript, type NpmScriptInput } from '../../src/gate/npm-script.js';

const PKG = JSON.stringify({ name: 'demo', version: '1.2.3', scripts: { test: 'node --test' } });

function input(overrides: Partial<NpmScriptInput> = {}): NpmScriptInput {
  return { command: 'npm test', cwd: '/work/repo', packageJson: PKG, npmrcs: [], env: { PATH: '/usr/bin:/bin' }, execPath: '/usr/bin/node', npmInstalled: true, ...overrides };
}

test('npm test runs the package test script itself when npm would only run that', () => {
  const run = npmTestScript(input());
  assert.ok(run);
  assert.equal(run.script, 'node --test');
  assert.equal(run.env['PATH'], '/work/repo/node_modules/.bin:/work/node_modules/.bin:/node_modules/.bin:/usr/bin:/bin');
  assert.equal(run.env['npm_lifecycle_event'], 'test');
  assert.equal(run.env['npm_lifecycle_script'], 'node --test');
  assert.equal(run.env['npm_package_name'], 'demo');
  assert.equal(run.env['npm_package_version'], '1.2.3');
  assert.equal(run.env['npm_package_json'], '/work/repo/package.json');
  assert.equal(run.env['npm_command'], 'test');
  assert.equal(run.env['INIT_CWD'], '/work/repo');
  assert.equal(run.env['NODE'], '/usr/bin/node');
});

test('the spellings of npm test that take the script, and the ones that keep npm', () => {
  const rows: [string, boolean, string?][] = [
    ['npm test', true, 'test'],
    ['  npm   t ', true, 'test'],
    ['npm tst', true, 'test'],
    ['npm run test', true, 'run-script'],
    ['npm run-script test', true, 'run-script'],
    ['npm test -- --grep x', false],
    ['npm test --', false],
    ['npm test --silent', false],
    ['npm run lint', false],
    ['npm ci && npm test', false],
    ['npx jest', false],
    ['pnpm test', false],
    ['node --test', false],
  ];
  for (const [command, direct, npmCommand] of rows) {
    const run = npmTestScript(input({ command }));
    assert.equal(run !== null, direct, command);
    assert.equal(isNpmTest(command), direct, command);
    if (run) assert.equal(run.env['npm_command'], npmCommand, command);
  }
});

test('npm runs itself whenever it would do more than the one script', () => {
  const rows: [string, Partial<NpmScriptInput>][] = [
    ['a pretest script', { packageJson: JSON.stringify({ scripts: { pretest: 'tsc', test: 'node --test' } }) }],
    ['a posttest script', { packageJson: JSON.stringify({ scripts: { test: 'node --test', posttest: 'echo done' } }) }],
    ['no test script (npm says so)', { packageJson: JSON.stringify({ scripts: { build: 'tsc' } }) }],
    ['an empty test script', { packageJson: JSON.stringify({ scripts: { test: ' ' } }) }],
    ['no scripts', { packageJson: '{}' }],
    ['no package.json', { packageJson: null }],
    ['a package.json that is not JSON', { packageJson: '{ "scripts": ' }],
    ['a script shell in an npmrc', { npmrcs: ['registry=https://example.test\nscript-shell = /bin/bash\n'] }],
    ['node options in an npmrc', { npmrcs: ['node_options=--max-old-space-size=4096'] }],
    ['workspaces in an npmrc', { npmrcs: ['workspaces=true'] }],
    ['a script shell in the environment', { env: { PATH: '/bin', NPM_CONFIG_SCRIPT_SHELL: '/bin/zsh' } }],
    ['node options in the environment', { env: { PATH: '/bin', npm_config_node_options: '--inspect' } }],
    ['no npm installed', { npmInstalled: false }],
  ];
  for (const [why, overrides] of rows) assert.equal(npmTestScript(input(overrides)), null, why);
});

test('npmrc settings that do not change how a script runs leave the shortcut on', () => {
  const npmrcs = ['cafile=/etc/ssl/certs/ca-certificates.crt\naudit=false\n; script-shell=/bin/bash\n# node-options=x\n'];
  assert.ok(npmTestScript(input({ npmrcs })));
});

test('package variables are flattened the way npm flattens them', () => {
  const packageJson = JSON.stringify({ name: 'p', version: '0.1.0', config: { port: 8080, flags: ['a', 'b'], off: false }, engines: { node: '>=20' }, scripts: { test: 'x' } });
  const run = npmTestScript(input({ packageJson }));
  assert.ok(run);
  assert.equal(run.env['npm_package_config_port'], '8080');
  assert.equal(run.env['npm_package_config_flags_0'], 'a');
  assert.equal(run.env['npm_package_config_flags_1'], 'b');
  assert.equal(run.env['npm_package_config_off'], '');
  assert.equal(run.env['npm_package_engines_node'], '>=20');
});

test('the npmrc files read are the project one, the user one and the global one, as npm finds them', () => {
  assert.deepEqual(npmrcPaths('/work/repo', { HOME: '/home/u' }, '/usr/bin/node'), ['/work/repo/.npmrc', '/home/u/.npmrc', '/usr/etc/npmrc']);
  assert.deepEqual(
    npmrcPaths('/r', { HOME: '/home/u', NPM_CONFIG_USERCONFIG: '/cfg/npmrc', npm_config_prefix: '/opt/node' }, '/usr/bin/node'),
    ['/r/.npmrc', '/cfg/npmrc', '/opt/node/etc/npmrc'],
  );
  assert.deepEqual(npmrcPaths('/r', { npm_config_globalconfig: '/etc/npmrc' }, '/usr/local/bin/node'), ['/r/.npmrc', '/etc/npmrc']);
});
