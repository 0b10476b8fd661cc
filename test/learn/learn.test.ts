import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learnProject } from '../../src/learn/learn.js';
import { renderIntelligence } from '../../src/learn/render.js';
import { DEFAULT_TEST_PATTERNS } from '../../src/learn/test-patterns.js';
import type { ProjectIntelligence } from '../../src/learn/types.js';
import { copyFixture, fixtureRepo } from './fixture-repo.js';

const commandsOf = (pi: ProjectIntelligence) =>
  Object.fromEntries(Object.entries(pi.commands).map(([kind, found]) => [kind, found && `${found.command} <- ${found.source}`]));

const language = (pi: ProjectIntelligence, name: string) => pi.languages.find((entry) => entry.name === name);

test('a pnpm project gets its package.json scripts run with pnpm and a frozen-lockfile install', async (t) => {
  const pi = await learnProject(fixtureRepo(t, 'node-pnpm'));
  assert.deepEqual(commandsOf(pi), {
    install: 'pnpm install --frozen-lockfile <- pnpm-lock.yaml',
    test: 'pnpm test <- package.json line 8 (scripts.test, pnpm)',
    build: 'pnpm run build <- package.json line 9 (scripts.build, pnpm)',
    lint: 'pnpm run lint <- package.json line 10 (scripts.lint, pnpm)',
    format: 'pnpm run format <- package.json line 11 (scripts.format, pnpm)',
  });
  assert.equal(pi.packageManager, 'pnpm');
  assert.equal(pi.name, 'web-shop');
  assert.equal(pi.scannedFiles, 8);
  assert.deepEqual(language(pi, 'TypeScript'), { name: 'TypeScript', files: 4, lines: 28 });
  assert.equal(pi.languages[0]!.name, 'TypeScript');
  for (const framework of ['react', 'vitest', 'vite', 'typescript']) assert.ok(pi.frameworks.includes(framework), framework);
  assert.deepEqual(pi.runnerConfigs, ['vitest.config.ts']);
  assert.deepEqual(pi.layout.sourceDirs, ['src']);
  assert.deepEqual(pi.ciFiles, []);
});

test('a pytest project gets pytest from [tool.pytest.ini_options], pip installs and ruff lint', async (t) => {
  const pi = await learnProject(fixtureRepo(t, 'python-pytest'));
  assert.deepEqual(commandsOf(pi), {
    install: 'pip install -r requirements.txt -r requirements-dev.txt <- requirements.txt, requirements-dev.txt',
    test: 'pytest <- pyproject.toml line 17 ([tool.pytest.ini_options])',
    build: null,
    lint: 'ruff check . <- pyproject.toml line 21 ([tool.ruff])',
    format: null,
  });
  assert.equal(pi.packageManager, 'pip');
  assert.equal(pi.name, 'inventory');
  assert.deepEqual(pi.runnerConfigs, ['tests/conftest.py']);
  assert.ok(pi.testPatterns.includes('tests/**'), 'pytest testpaths become protected globs');
  assert.deepEqual(pi.layout.testDirs, ['tests']);
  assert.deepEqual(pi.layout.sourceDirs, ['src']);
  for (const framework of ['fastapi', 'pydantic', 'pytest']) assert.ok(pi.frameworks.includes(framework), framework);
  assert.deepEqual(language(pi, 'Python'), { name: 'Python', files: 4, lines: 21 });
});

test('a Go module with nothing but go.mod gets the go toolchain commands, no linter it never configured, and its test files are protected', async (t) => {
  const pi = await learnProject(fixtureRepo(t, 'go'));
  assert.deepEqual(commandsOf(pi), {
    install: 'go mod download <- go.sum',
    test: "go test ./... <- go.mod (go's own test command)",
    build: "go build ./... <- go.mod (go's own build command)",
    lint: null,
    format: null,
  });
  assert.equal(pi.packageManager, 'go');
  assert.equal(pi.name, 'github.com/acme/ledger');
  assert.deepEqual(pi.frameworks, ['testify']);
  assert.deepEqual(language(pi, 'Go'), { name: 'Go', files: 3, lines: 32 });
  assert.deepEqual(pi.layout.testDirs, []);
  assert.ok(pi.testPatterns.includes('*_test.go'));
});

test('a C project with a Makefile gets make targets, not pattern rules or variables', async (t) => {
  const pi = await learnProject(fixtureRepo(t, 'make-c'));
  assert.deepEqual(commandsOf(pi), {
    install: null,
    test: 'make test <- Makefile line 22 (target test)',
    build: 'make build <- Makefile line 12 (target build)',
    lint: 'make lint <- Makefile line 26 (target lint)',
    format: null,
  });
  assert.equal(pi.packageManager, 'make');
  assert.deepEqual(language(pi, 'C'), { name: 'C', files: 4, lines: 21 });
  assert.deepEqual(pi.layout.sourceDirs, ['include', 'src']);
  assert.deepEqual(pi.layout.testDirs, ['tests']);
});

test('a repository without build files gets no commands, and the markdown says "none found" for each', async (t) => {
  const pi = await learnProject(fixtureRepo(t, 'no-commands'));
  assert.deepEqual(commandsOf(pi), { install: null, test: null, build: null, lint: null, format: null });
  assert.equal(pi.packageManager, null);
  assert.deepEqual(pi.frameworks, []);
  assert.ok(pi.notes.some((note) => note.startsWith('No test command found')));
  const markdown = renderIntelligence(pi);
  for (const label of ['Install', 'Test', 'Build', 'Lint', 'Format']) {
    assert.match(markdown, new RegExp(`^- ${label}: none found$`, 'm'));
  }
  assert.doesNotMatch(markdown, /npm|pytest|make |go test|cargo/);
});

test('when only a GitHub workflow runs the tests, the test and lint commands come from it, naming the file', async (t) => {
  const pi = await learnProject(fixtureRepo(t, 'workflow-only'));
  assert.deepEqual(commandsOf(pi), {
    install: 'pip install -r requirements.txt <- requirements.txt',
    test: 'python -m unittest discover -s tests -v <- .github/workflows/ci.yml line 22 (job test)',
    build: null,
    lint: 'flake8 app tests <- .github/workflows/ci.yml line 28 (job lint)',
    format: null,
  });
  assert.deepEqual(pi.ciFiles, ['.github/workflows/ci.yml']);
  assert.ok(pi.notes.some((note) => note.includes('comes from CI (.github/workflows/ci.yml line 22 (job test))')));
});

test('files git ignores are not scanned; untracked files it does not ignore are', async (t) => {
  const dir = fixtureRepo(t, 'gitignored', {
    'generated/bundle.js': 'x\n'.repeat(500),
    'debug.log': 'noise\n',
    'node_modules/left-pad/index.js': 'module.exports = 1;\n',
    'node_modules/left-pad/package.json': '{"name":"left-pad","scripts":{"test":"exit 0"}}',
    'src/new-feature.js': 'export const x = 1;\nexport const y = 2;\n',
  });
  const pi = await learnProject(dir);
  // .gitignore, package.json, package-lock.json, src/app.js, src/app.test.js + the untracked src/new-feature.js
  assert.equal(pi.scannedFiles, 6);
  assert.deepEqual(language(pi, 'JavaScript'), { name: 'JavaScript', files: 3, lines: 8 });
  assert.deepEqual(pi.commands.test, { command: 'npm test', source: 'package.json line 3 (scripts.test, npm)' });
  assert.deepEqual(pi.commands.install, { command: 'npm ci', source: 'package-lock.json' });
  assert.deepEqual(pi.layout.topLevel.map((entry) => entry.path), ['src', '.gitignore', 'package-lock.json', 'package.json']);
});

test('outside git the walk skips node_modules, dist, build, vendor and .venv but keeps other folders', async (t) => {
  const dir = copyFixture(t, 'gitignored');
  const { writeFiles } = await import('../helpers/temp.js');
  writeFiles(dir, {
    'generated/bundle.js': 'x\n',
    'node_modules/a/index.js': 'x\n',
    'dist/out.js': 'x\n',
    'build/out.js': 'x\n',
    'vendor/lib.js': 'x\n',
    '.venv/lib.py': 'x\n',
    '.loop/runs/r1/run.json': '{}',
  });
  const pi = await learnProject(dir);
  assert.equal(pi.scannedFiles, 6); // the 5 fixture files + generated/bundle.js
  assert.ok(pi.notes.some((note) => note.startsWith('Not a git work tree')));
});

test('every default test pattern is among the protected globs', async (t) => {
  const pi = await learnProject(fixtureRepo(t, 'no-commands'));
  for (const pattern of DEFAULT_TEST_PATTERNS) assert.ok(pi.testPatterns.includes(pattern), pattern);
});

test('progress is reported through the listing, counting and finishing phases and the count ends complete', async (t) => {
  const seen: { phase: string; done: number; total: number }[] = [];
  await learnProject(fixtureRepo(t, 'go'), { threads: 1, onProgress: (progress) => seen.push(progress) });
  assert.deepEqual([...new Set(seen.map((progress) => progress.phase))], ['listing files', 'counting lines', 'finishing']);
  const counting = seen.filter((progress) => progress.phase === 'counting lines');
  assert.deepEqual(counting.at(-1), { phase: 'counting lines', done: 5, total: 5 });
});

test('a missing directory is a user error naming the path', async () => {
  await assert.rejects(learnProject('/nonexistent/loop-learn'), { name: 'UserError', message: /\/nonexistent\/loop-learn: no such directory/ });
});
