/**
 * `loop learn` on repositories shaped like real public projects (issue 9): the commands reported
 * are the project's own, and every one points at a file and line of the repository that says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { learnProject } from '../../src/learn/learn.js';
import { renderIntelligence } from '../../src/learn/render.js';
import type { ProjectIntelligence } from '../../src/learn/types.js';
import { fixtureRepo } from './fixture-repo.js';

const commandsOf = (pi: ProjectIntelligence) =>
  Object.fromEntries(Object.entries(pi.commands).map(([kind, found]) => [kind, found && `${found.command} <- ${found.source}`]));

/**
 * Nothing invented: each source names a file of the repository; a line, when given, is in that file
 * and mentions what the command runs (the target, script, env, hook, plugin or the command itself).
 */
function assertEverySourceIsInTheRepo(dir: string, pi: ProjectIntelligence): void {
  for (const [kind, found] of Object.entries(pi.commands)) {
    if (!found) continue;
    const match = /^(\S+?)(?:,|$| line (\d+)| \()/.exec(found.source);
    assert.ok(match, `${kind}: unreadable source "${found.source}"`);
    const text = readFileSync(join(dir, match[1]!), 'utf8');
    if (match[2] === undefined) continue;
    const line = text.split('\n')[Number(match[2]) - 1];
    assert.ok(line !== undefined, `${kind}: ${found.source} is past the end of the file`);
    const what = /\((.*)\)$/.exec(found.source)?.[1] ?? '';
    const words = [...what.split(/[\s,:;.()]+/), ...found.command.split(/\s+/)].filter((word) => word.length > 2);
    assert.ok(words.some((word) => line.includes(word)) || /^\[/.test(line.trim()), `${kind}: line ${match[2]} of ${match[1]} ("${line.trim()}") does not mention ${found.command}`);
  }
}

test('Go module whose Makefile and CI run golangci-lint: make test and make lint, never go vet', async (t) => {
  const dir = fixtureRepo(t, 'go-golangci');
  const pi = await learnProject(dir);
  assert.deepEqual(commandsOf(pi), {
    install: 'go mod download <- go.sum',
    test: 'make test <- Makefile line 16 (target test)',
    build: "go build ./... <- go.mod (go's own build command)",
    lint: 'make lint <- Makefile line 22 (target lint)',
    format: null,
  });
  assert.equal(pi.packageManager, 'go');
  assert.doesNotMatch(renderIntelligence(pi), /go vet/);
  assertEverySourceIsInTheRepo(dir, pi);
});

test('Python project with tox and pre-commit: tox runs the tests, pre-commit the lint and the formatter, through uv', async (t) => {
  const dir = fixtureRepo(t, 'python-tox-precommit');
  const pi = await learnProject(dir);
  assert.deepEqual(commandsOf(pi), {
    install: 'uv sync <- uv.lock',
    test: "uv run tox -e py <- tox.ini line 4 ([testenv]; -e py runs it on this machine's Python)",
    build: null,
    lint: 'uv run pre-commit run --all-files <- .pre-commit-config.yaml line 5 (5 hooks: ruff, ruff-format, trailing-whitespace, end-of-file-fixer, mypy)',
    format: 'uv run pre-commit run ruff-format --all-files <- .pre-commit-config.yaml line 7 (hook ruff-format)',
  });
  assert.equal(pi.packageManager, 'uv');
  assert.ok(pi.testPatterns.includes('testing/**'), 'pytest testpaths from tox.ini [pytest] are still protected');
  assertEverySourceIsInTheRepo(dir, pi);
});

test('C library built with autotools: configure sets the tree up, make builds, make check runs the declared tests', async (t) => {
  const dir = fixtureRepo(t, 'c-autotools');
  const pi = await learnProject(dir);
  assert.deepEqual(commandsOf(pi), {
    install: 'autoreconf -fi && ./configure <- configure.ac (autotools: the Makefiles are generated)',
    test: "make check <- test/Makefile.am line 4 (check_PROGRAMS; automake's check target)",
    build: 'make <- configure.ac (autotools)',
    lint: null,
    format: 'make check-format <- Makefile.am line 9 (target check-format)',
  });
  assert.equal(pi.packageManager, 'make');
  assertEverySourceIsInTheRepo(dir, pi);
});

test("Maven project with a formatter plugin: its spotless:check goal; a plugin only in pluginManagement or a profile is not used", async (t) => {
  const dir = fixtureRepo(t, 'maven-spotless');
  const pi = await learnProject(dir);
  assert.deepEqual(commandsOf(pi), {
    install: null,
    test: 'mvn --batch-mode --no-transfer-progress test <- .github/workflows/ci.yml line 34 (job test)',
    build: "mvn package <- pom.xml (maven's package phase)",
    lint: null,
    format: 'mvn spotless:check <- pom.xml line 51 (plugin spotless-maven-plugin)',
  });
  assert.equal(pi.name, 'kvstore-jdbc');
  assertEverySourceIsInTheRepo(dir, pi);
});

test('Rust crate without a rustfmt config or fmt step: its CI commands, clippy as CI runs it, and no cargo fmt', async (t) => {
  const dir = fixtureRepo(t, 'rust-no-rustfmt');
  const pi = await learnProject(dir);
  assert.deepEqual(commandsOf(pi), {
    install: 'cargo fetch <- Cargo.toml',
    test: 'cargo test <- .github/workflows/ci.yml line 28 (job test)',
    build: 'cargo build <- .github/workflows/ci.yml line 27 (job test)',
    lint: 'cargo clippy --tests --benches -- -Dclippy::all -Dclippy::pedantic <- .github/workflows/ci.yml line 49 (job clippy)',
    format: null,
  });
  assert.doesNotMatch(renderIntelligence(pi), /cargo fmt/);
  assertEverySourceIsInTheRepo(dir, pi);
});
