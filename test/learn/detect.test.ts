import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRepoView } from '../../src/learn/repo-view.js';
import { detectNode } from '../../src/learn/detect-node.js';
import { detectPython } from '../../src/learn/detect-python.js';
import { detectCargo, detectGo, detectGradle, detectMaven } from '../../src/learn/detect-native.js';
import { detectMake } from '../../src/learn/detect-make.js';
import { learnProject } from '../../src/learn/learn.js';
import { tempDir, tempRepo, writeFiles } from '../helpers/temp.js';
import type { TestContext } from 'node:test';

/** Manifests written into a temp folder and seen through a RepoView listing exactly those files. */
function repoWith(t: TestContext, files: Record<string, string>) {
  const dir = tempDir(t, 'loop-detect-');
  writeFiles(dir, files);
  return createRepoView(dir, Object.keys(files));
}

const scripts = JSON.stringify({ name: 'x', scripts: { test: 'jest', build: 'tsc', lint: 'eslint .', fmt: 'prettier -w .' } });

const nodeCases: [string, Record<string, string>, Record<string, string>][] = [
  ['package-lock.json → npm test / npm run build / npm ci', { 'package-lock.json': '{}' },
    { install: 'npm ci', test: 'npm test', build: 'npm run build', lint: 'npm run lint', format: 'npm run fmt', pm: 'npm' }],
  ['pnpm-lock.yaml → pnpm', { 'pnpm-lock.yaml': '' },
    { install: 'pnpm install --frozen-lockfile', test: 'pnpm test', build: 'pnpm run build', lint: 'pnpm run lint', format: 'pnpm run fmt', pm: 'pnpm' }],
  ['yarn.lock → yarn with --frozen-lockfile', { 'yarn.lock': '' },
    { install: 'yarn install --frozen-lockfile', test: 'yarn test', build: 'yarn run build', lint: 'yarn run lint', format: 'yarn run fmt', pm: 'yarn' }],
  ['yarn.lock with .yarnrc.yml (yarn 2+) → --immutable', { 'yarn.lock': '', '.yarnrc.yml': '' },
    { install: 'yarn install --immutable', test: 'yarn test', build: 'yarn run build', lint: 'yarn run lint', format: 'yarn run fmt', pm: 'yarn' }],
  ['bun.lockb → bun run test (bun test is a different runner)', { 'bun.lockb': '' },
    { install: 'bun install', test: 'bun run test', build: 'bun run build', lint: 'bun run lint', format: 'bun run fmt', pm: 'bun' }],
  ['bun.lock → bun', { 'bun.lock': '' },
    { install: 'bun install', test: 'bun run test', build: 'bun run build', lint: 'bun run lint', format: 'bun run fmt', pm: 'bun' }],
  ['no lockfile → npm install', {},
    { install: 'npm install', test: 'npm test', build: 'npm run build', lint: 'npm run lint', format: 'npm run fmt', pm: 'npm' }],
];

for (const [name, lockfiles, expected] of nodeCases) {
  test(`package.json: ${name}`, (t) => {
    const detection = detectNode(repoWith(t, { 'package.json': scripts, ...lockfiles }))!;
    const { pm, ...commands } = expected;
    assert.equal(detection.packageManager, pm);
    assert.deepEqual(Object.fromEntries(Object.entries(detection.commands).map(([kind, found]) => [kind, found.command])), commands);
  });
}

test('package.json: the packageManager field picks the manager when there is no lockfile', (t) => {
  const detection = detectNode(repoWith(t, { 'package.json': JSON.stringify({ packageManager: 'pnpm@9.1.0', scripts: { test: 'vitest' } }) }))!;
  assert.equal(detection.packageManager, 'pnpm');
  assert.deepEqual(detection.commands.install, { command: 'pnpm install', source: 'package.json (pnpm, no lockfile)' });
  assert.deepEqual(detection.commands.test, { command: 'pnpm test', source: 'package.json scripts.test (pnpm)' });
});

test('package.json: with two lockfiles the packageManager field decides, and a note says so', (t) => {
  const detection = detectNode(repoWith(t, {
    'package.json': JSON.stringify({ packageManager: 'yarn@1.22.0', scripts: { test: 'jest' } }),
    'package-lock.json': '{}',
    'yarn.lock': '',
  }))!;
  assert.equal(detection.packageManager, 'yarn');
  assert.ok(detection.notes.some((note) => note.includes('Several lockfiles')));
});

test('package.json: the npm init placeholder is not a test command', (t) => {
  const detection = detectNode(repoWith(t, {
    'package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
  }))!;
  assert.equal(detection.commands.test, undefined);
  assert.ok(detection.notes.some((note) => note.includes('placeholder')));
});

test('package.json: a fallback script name is used when "test" is absent', (t) => {
  const detection = detectNode(repoWith(t, { 'package.json': JSON.stringify({ scripts: { 'test:unit': 'vitest run' } }), 'package-lock.json': '{}' }))!;
  assert.deepEqual(detection.commands.test, { command: 'npm run test:unit', source: 'package.json scripts.test:unit (npm)' });
});

test('package.json: invalid JSON gives a note instead of a crash', (t) => {
  const detection = detectNode(repoWith(t, { 'package.json': '{ "scripts": ' }))!;
  assert.deepEqual(detection.commands, {});
  assert.match(detection.notes[0]!, /package\.json is not valid JSON/);
});

test('python: uv.lock → uv sync and uv run pytest', (t) => {
  const detection = detectPython(repoWith(t, {
    'pyproject.toml': '[project]\nname = "svc"\n\n[tool.pytest.ini_options]\nminversion = "8.0"\n\n[tool.ruff.format]\nquote-style = "double"\n',
    'uv.lock': '',
  }))!;
  assert.equal(detection.packageManager, 'uv');
  assert.deepEqual(detection.commands, {
    install: { command: 'uv sync', source: 'uv.lock' },
    test: { command: 'uv run pytest', source: 'pyproject.toml [tool.pytest.ini_options]' },
    lint: { command: 'uv run ruff check .', source: 'pyproject.toml [tool.ruff]' },
    format: { command: 'uv run ruff format --check .', source: 'pyproject.toml [tool.ruff.format]' },
  });
});

test('python: poetry.lock → poetry install and poetry run pytest from setup.cfg [tool:pytest]', (t) => {
  const detection = detectPython(repoWith(t, {
    'pyproject.toml': '[tool.poetry]\nname = "app"\n\n[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^5"\n\n[tool.black]\nline-length = 88\n',
    'poetry.lock': '',
    'setup.cfg': '[tool:pytest]\ntestpaths =\n    tests\n    integration\npython_files = check_*.py\n',
  }))!;
  assert.equal(detection.packageManager, 'poetry');
  assert.equal(detection.name, 'app');
  assert.deepEqual(detection.commands.install, { command: 'poetry install', source: 'poetry.lock' });
  assert.deepEqual(detection.commands.test, { command: 'poetry run pytest', source: 'setup.cfg [tool:pytest]' });
  assert.deepEqual(detection.commands.format, { command: 'poetry run black --check .', source: 'pyproject.toml [tool.black]' });
  assert.deepEqual(detection.testPatterns, ['tests/**', 'integration/**', 'check_*.py']);
  assert.deepEqual(detection.frameworks, ['django']);
});

test('python: tox.ini [tox] without pytest config → tox; pytest.ini → pytest', (t) => {
  const tox = detectPython(repoWith(t, { 'tox.ini': '[tox]\nenvlist = py311\n', 'setup.py': 'from setuptools import setup\nsetup()\n' }))!;
  assert.deepEqual(tox.commands.test, { command: 'tox', source: 'tox.ini [tox]' });
  assert.deepEqual(tox.commands.install, { command: 'pip install -e .', source: 'setup.py' });
  const ini = detectPython(repoWith(t, { 'pytest.ini': '[pytest]\naddopts = -q\n' }))!;
  assert.deepEqual(ini.commands.test, { command: 'pytest', source: 'pytest.ini' });
});

test('python: pyproject [build-system] with a test extra → pip install -e .[test]', (t) => {
  const detection = detectPython(repoWith(t, {
    'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "lib"\n\n[project.optional-dependencies]\ntest = ["pytest"]\n',
  }))!;
  assert.deepEqual(detection.commands.install, { command: "pip install -e '.[test]'", source: 'pyproject.toml [build-system]' });
  assert.deepEqual(detection.commands.test, { command: 'pytest', source: 'pytest is a declared dependency' });
});

test('python: a folder without Python manifests is not a Python project', (t) => {
  assert.equal(detectPython(repoWith(t, { 'main.py': 'print(1)\n' })), null);
});

test('Cargo.toml → cargo commands, name and crates', (t) => {
  const detection = detectCargo(repoWith(t, {
    'Cargo.toml': '[package]\nname = "svc"\nversion = "0.1.0"\n\n[dependencies]\naxum = "0.7"\ntokio = { version = "1", features = ["full"] }\n',
  }))!;
  assert.equal(detection.name, 'svc');
  assert.deepEqual(detection.frameworks, ['axum', 'tokio']);
  assert.deepEqual(Object.fromEntries(Object.entries(detection.commands).map(([kind, found]) => [kind, found.command])), {
    install: 'cargo fetch', test: 'cargo test', build: 'cargo build', lint: 'cargo clippy', format: 'cargo fmt --check',
  });
});

test('go.mod frameworks come from require blocks', (t) => {
  const detection = detectGo(repoWith(t, {
    'go.mod': 'module example.com/api\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n\tgithub.com/spf13/cobra v1.8.0 // indirect\n)\n',
  }))!;
  assert.deepEqual(detection.frameworks, ['gin', 'cobra']);
});

test('Gradle uses the wrapper when it exists; Maven uses mvn', (t) => {
  const wrapped = detectGradle(repoWith(t, { 'build.gradle.kts': 'plugins { id("org.springframework.boot") }\ndependencies { implementation("org.springframework.boot:spring-boot-starter-web") }\n', gradlew: '#!/bin/sh\n' }))!;
  assert.deepEqual(wrapped.commands.test, { command: './gradlew test', source: 'build.gradle.kts (gradle wrapper)' });
  assert.deepEqual(wrapped.frameworks, ['spring-boot']);
  const bare = detectGradle(repoWith(t, { 'build.gradle': '' }))!;
  assert.deepEqual(bare.commands.test, { command: 'gradle test', source: 'build.gradle' });
  const maven = detectMaven(repoWith(t, { 'pom.xml': '<project><parent><artifactId>parent</artifactId></parent><artifactId>orders</artifactId></project>' }))!;
  assert.deepEqual(maven.commands.test, { command: 'mvn test', source: 'pom.xml' });
  assert.equal(maven.name, 'orders');
});

test('Makefile: check and all are used when test and build are absent, fmt for format', (t) => {
  const detection = detectMake(repoWith(t, { Makefile: 'all:\n\tcc x.c\ncheck:\n\t./x\nfmt:\n\tclang-format -i *.c\ninstall:\n\tcp x /usr/bin\n' }))!;
  assert.deepEqual(detection.commands, {
    test: { command: 'make check', source: 'Makefile target check' },
    build: { command: 'make all', source: 'Makefile target all' },
    format: { command: 'make fmt', source: 'Makefile target fmt' },
  });
});

test('manifests beat the Makefile, and the Makefile beats CI, command by command', async (t) => {
  const dir = tempRepo(t, {
    'package.json': JSON.stringify({ name: 'mixed', scripts: { test: 'vitest run' } }),
    'package-lock.json': '{}',
    Makefile: 'test:\n\tnpm test\nlint:\n\teslint .\n',
    '.github/workflows/ci.yml': 'on: push\njobs:\n  all:\n    runs-on: x\n    steps:\n      - run: npm run build\n      - run: make lint\n',
  });
  const pi = await learnProject(dir);
  assert.deepEqual(pi.commands.test, { command: 'npm test', source: 'package.json scripts.test (npm)' });
  assert.deepEqual(pi.commands.lint, { command: 'make lint', source: 'Makefile target lint' });
  assert.deepEqual(pi.commands.build, { command: 'npm run build', source: '.github/workflows/ci.yml (job all)' });
  assert.equal(pi.packageManager, 'npm');
});

test('a manifest git ignores is not read', async (t) => {
  const dir = tempRepo(t, { '.gitignore': 'Makefile\n', 'main.c': 'int main(void){return 0;}\n' });
  writeFiles(dir, { Makefile: 'test:\n\t./run\n' });
  const pi = await learnProject(dir);
  assert.equal(pi.commands.test, null);
});
