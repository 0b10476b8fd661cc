import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedEntries, isTestRunner, runnerReader } from '../../src/gate/runner-deps.js';

const names: Array<[string, boolean]> = [
  ['jest', true], ['@jest/core', true], ['vitest', true], ['@vitest/coverage-v8', true], ['mocha', true], ['ava', true],
  ['@playwright/test', true], ['cypress', true], ['pytest', true], ['pytest_cov', true], ['karma-chrome-launcher', true],
  ['lodash', false], ['react', false], ['typescript', false], ['jestingly', false],
];
for (const [name, expected] of names) {
  test(`"${name}" ${expected ? 'is' : 'is not'} a test runner`, () => assert.equal(isTestRunner(name), expected));
}

const diffs: Array<[string, string, string, string[]]> = [
  ['yarn.lock', 'jest@^29.0.0:\n  version "29.7.0"\n\nlodash@^4:\n  version "4.17.21"\n', 'jest@^29.0.0:\n  version "29.0.0"\n\nlodash@^4:\n  version "4.17.21"\n', ['jest@^29.0.0:']],
  ['yarn.lock', 'jest@^29.0.0:\n  version "29.7.0"\n\nlodash@^4:\n  version "4.17.21"\n', 'jest@^29.0.0:\n  version "29.7.0"\n\nlodash@^4:\n  version "4.17.22"\n', []],
  ['poetry.lock', '[[package]]\nname = "pytest"\nversion = "8.0.0"\n\n[[package]]\nname = "requests"\nversion = "2.0"\n', '[[package]]\nname = "pytest"\nversion = "7.0.0"\n\n[[package]]\nname = "requests"\nversion = "2.0"\n', ['package pytest']],
  ['uv.lock', 'version = 1\n\n[[package]]\nname = "pytest"\nversion = "8.0.0"\nsource = { registry = "https://pypi.org/simple" }\n\n[[package]]\nname = "httpx"\nversion = "0.27.0"\n', 'version = 1\n\n[[package]]\nname = "httpx"\nversion = "0.28.0"\n\n[[package]]\nname = "pytest"\nversion = "8.0.0"\nsource = { registry = "https://pypi.org/simple" }\n', []],
  ['uv.lock', '[[package]]\nname = "pytest"\nversion = "7.4.0"\n\n[[package]]\nname = "pytest"\nversion = "8.0.0"\n', '[[package]]\nname = "pytest"\nversion = "8.0.0"\n', ['package pytest', 'package pytest@7.4.0', 'package pytest@8.0.0']],
  ['pnpm-lock.yaml', "lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n      vitest:\n        specifier: ^2.0.0\n        version: 2.0.0\npackages:\n  vitest@2.0.0:\n    resolution: {integrity: sha512-a}\n", "lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n      vitest:\n        specifier: ^2.0.0\n        version: 2.1.0\npackages:\n  vitest@2.1.0:\n    resolution: {integrity: sha512-b}\n", ['importers...devDependencies.vitest', 'packages.vitest@2.0.0', 'packages.vitest@2.1.0']],
  ['pyproject.toml', '[project]\ndependencies = [\n  "pytest>=8",\n  "httpx",\n]\n', '[project]\ndependencies = [\n  "pytest>=7",\n  "httpx>=0.27",\n]\n', ['project.dependencies pytest']],
  ['pyproject.toml', '[project]\nname = "x"\n# tests\n[project.optional-dependencies]\ntest = ["pytest>=8", "pytest-cov"]\n', '[project]\nname = "x"\n\n[project.optional-dependencies]\ntest = [\n  "pytest-cov",\n  "pytest >= 8",\n]\n', []],
  ['pyproject.toml', '[project.optional-dependencies]\ntest = ["pytest>=8"]\n', '[project.optional-dependencies]\ntest = ["pytest >= 7"]\n', ['project.optional-dependencies.test pytest']],
  ['pyproject.toml', '[tool.poetry.group.dev.dependencies]\npytest = "^8.0"\nblack = "*"\n[dependency-groups]\ntesting = ["pytest-xdist"]\n', '[tool.poetry.group.dev.dependencies]\npytest = { version = "^7.0", extras = ["x"] }\nblack = "^24"\n[dependency-groups]\ntesting = []\n', ['dependency-groups.testing pytest-xdist', 'tool.poetry.group.dev.dependencies pytest']],
  ['pyproject.toml', '[tool.pdm.dev-dependencies]\ntest = ["pytest"]\n[tool.hatch.envs.default]\ndependencies = ["pytest-mock"]\n', '[tool.pdm.dev-dependencies]\ntest = ["pytest==8.1"]\n[tool.hatch.envs.default]\ndependencies = ["pytest-mock"]\n', ['tool.pdm.dev-dependencies.test pytest']],
  ['Pipfile', '[packages]\nrequests = "*"\n\n[dev-packages]\npytest = "==8.0.0"\n', '[packages]\nrequests = "==2.32"\n\n[dev-packages]\npytest = "==7.0.0"\n', ['dev-packages pytest']],
  ['Pipfile.lock', '{"default": {}, "develop": {"pytest": {"version": "==8.0.0"}}}', '{"default": {"requests": {"version": "==2"}}, "develop": {"pytest": {"version": "==8.0.0"}}}', []],
];
for (const [file, before, after, keys] of diffs) {
  test(`${file}: runner entries that changed are ${keys.length === 0 ? 'none' : keys.join(', ')}`, () => {
    const reader = runnerReader(file)!;
    assert.ok(reader);
    assert.deepEqual(changedEntries(reader(before), reader(after)).map((entry) => entry.key), keys);
  });
}

test('a TOML manifest or lockfile that does not parse throws, so the gate can say it cannot check it', () => {
  assert.throws(() => runnerReader('pyproject.toml')!('[project\ndependencies = ["pytest"]\n'), /not valid TOML \(line 1\)/);
  assert.throws(() => runnerReader('poetry.lock')!('[[package]]\nname = "pytest\n'), /not valid TOML/);
});

test('files that declare no dependencies have no reader', () => {
  assert.equal(runnerReader('README.md'), null);
  assert.equal(runnerReader('index.js'), null);
});
