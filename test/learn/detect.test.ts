import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectNode } from '../../src/learn/detect-node.js';
import { detectGo } from '../../src/learn/detect-go.js';
import { detectCargo } from '../../src/learn/detect-cargo.js';
import { detectGradle, detectMaven } from '../../src/learn/detect-jvm.js';
import { learnProject } from '../../src/learn/learn.js';
import { tempRepo, writeFiles } from '../helpers/temp.js';
import { chosen, chosenCommands, repoWith } from './repo-with.js';

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
    assert.deepEqual(chosenCommands(detection), commands);
  });
}

test('package.json: each script says the line of its key', (t) => {
  const manifest = '{\n  "name": "x",\n  "description": "runs \\"test\\": everywhere",\n  "scripts": {\n    "build": "tsc",\n    "test": "jest"\n  }\n}\n';
  assert.deepEqual(chosen(detectNode(repoWith(t, { 'package.json': manifest, 'package-lock.json': '{}' }))), {
    install: 'npm ci <- package-lock.json',
    test: 'npm test <- package.json line 6 (scripts.test, npm)',
    build: 'npm run build <- package.json line 5 (scripts.build, npm)',
  });
});

test('package.json: the packageManager field picks the manager when there is no lockfile', (t) => {
  const detection = detectNode(repoWith(t, { 'package.json': JSON.stringify({ packageManager: 'pnpm@9.1.0', scripts: { test: 'vitest' } }) }))!;
  assert.equal(detection.packageManager, 'pnpm');
  assert.deepEqual(chosen(detection), {
    install: 'pnpm install <- package.json (pnpm, no lockfile)',
    test: 'pnpm test <- package.json line 1 (scripts.test, pnpm)',
  });
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
  assert.equal(chosen(detection)['test'], undefined);
  assert.ok(detection.notes.some((note) => note.includes('placeholder')));
});

test('package.json: a fallback script name is used when "test" is absent', (t) => {
  const detection = detectNode(repoWith(t, { 'package.json': JSON.stringify({ scripts: { 'test:unit': 'vitest run' } }), 'package-lock.json': '{}' }))!;
  assert.equal(chosen(detection)['test'], 'npm run test:unit <- package.json line 1 (scripts.test:unit, npm)');
});

test('package.json: invalid JSON gives a note instead of a crash', (t) => {
  const detection = detectNode(repoWith(t, { 'package.json': '{ "scripts": ' }))!;
  assert.deepEqual(detection.candidates, []);
  assert.match(detection.notes[0]!, /package\.json is not valid JSON/);
});

test('Cargo.toml alone: the toolchain test and build, and no clippy or rustfmt the crate never configured', (t) => {
  const detection = detectCargo(repoWith(t, {
    'Cargo.toml': '[package]\nname = "svc"\nversion = "0.1.0"\n\n[dependencies]\naxum = "0.7"\ntokio = { version = "1", features = ["full"] }\n\n[target.\'cfg(unix)\'.dev-dependencies]\nclap = "4"\n',
  }))!;
  assert.equal(detection.name, 'svc');
  assert.deepEqual(detection.frameworks, ['axum', 'tokio', 'clap']);
  assert.deepEqual(chosen(detection), {
    install: 'cargo fetch <- Cargo.toml',
    test: "cargo test <- Cargo.toml (cargo's own test command)",
    build: "cargo build <- Cargo.toml (cargo's own build command)",
  });
});

test('Cargo.toml: rustfmt.toml gives cargo fmt --check, [lints.clippy] gives cargo clippy', (t) => {
  const detection = detectCargo(repoWith(t, {
    'Cargo.toml': '[package]\nname = "svc"\n\n[lints.clippy]\npedantic = "warn"\n',
    'Cargo.lock': '',
    'rustfmt.toml': 'edition = "2021"\n',
  }))!;
  assert.deepEqual(chosen(detection), {
    install: 'cargo fetch <- Cargo.lock',
    test: "cargo test <- Cargo.toml (cargo's own test command)",
    build: "cargo build <- Cargo.toml (cargo's own build command)",
    lint: 'cargo clippy <- Cargo.toml line 4 ([lints.clippy])',
    format: 'cargo fmt --check <- rustfmt.toml',
  });
});

test('Cargo.toml that is not TOML: a note with its line, no name, the toolchain commands', (t) => {
  const detection = detectCargo(repoWith(t, { 'Cargo.toml': '[package]\nname = "svc\n' }))!;
  assert.equal(detection.name, undefined);
  assert.match(detection.notes[0]!, /^Cargo\.toml line 2 is not valid TOML \(.+\); its settings were not used\.$/);
});

test('go.mod: no go vet is assumed; a golangci config gives golangci-lint run', (t) => {
  const goMod = 'module example.com/api\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n\tgithub.com/spf13/cobra v1.8.0 // indirect\n)\n';
  const bare = detectGo(repoWith(t, { 'go.mod': goMod }))!;
  assert.deepEqual(bare.frameworks, ['gin', 'cobra']);
  assert.deepEqual(chosenCommands(bare), { install: 'go mod download', test: 'go test ./...', build: 'go build ./...' });
  const linted = detectGo(repoWith(t, { 'go.mod': goMod, 'go.sum': '', '.golangci.yml': 'linters:\n  enable: [gofmt]\n' }))!;
  assert.equal(chosen(linted)['lint'], 'golangci-lint run <- .golangci.yml');
  assert.equal(chosen(linted)['install'], 'go mod download <- go.sum');
});

test('Gradle uses the wrapper when it exists, and its plugins give format and lint tasks with their lines', (t) => {
  const wrapped = detectGradle(repoWith(t, {
    'build.gradle.kts': 'plugins {\n  id("org.springframework.boot")\n  id("com.diffplug.spotless") version "6.25.0"\n  checkstyle\n}\ndependencies { implementation("org.springframework.boot:spring-boot-starter-web") }\n',
    gradlew: '#!/bin/sh\n',
  }))!;
  assert.deepEqual(chosen(wrapped), {
    test: "./gradlew test <- build.gradle.kts (gradle's test task, through the wrapper)",
    build: "./gradlew build <- build.gradle.kts (gradle's build task, through the wrapper)",
    lint: './gradlew checkstyleMain <- build.gradle.kts line 4 (plugin checkstyle)',
    format: './gradlew spotlessCheck <- build.gradle.kts line 3 (plugin com.diffplug.spotless)',
  });
  assert.deepEqual(wrapped.frameworks, ['spring-boot']);
  const bare = detectGradle(repoWith(t, { 'build.gradle': "apply plugin: 'java'\n" }))!;
  assert.deepEqual(chosenCommands(bare), { test: 'gradle test', build: 'gradle build' });
});

test('Maven: plugins of the build give goals; ones only in pluginManagement, profiles or comments do not', (t) => {
  const pom = [
    '<project>', // 1
    '  <parent><artifactId>parent</artifactId></parent>',
    '  <artifactId>orders</artifactId>',
    '  <build>',
    '    <pluginManagement><plugins><plugin>', // 5
    '      <artifactId>spotless-maven-plugin</artifactId>',
    '    </plugin></plugins></pluginManagement>',
    '    <plugins>',
    '      <!-- <plugin><artifactId>maven-pmd-plugin</artifactId></plugin> -->',
    '      <plugin>', // 10
    '        <groupId>org.apache.maven.plugins</groupId>',
    '        <artifactId>maven-checkstyle-plugin</artifactId>',
    '      </plugin>',
    '    </plugins>',
    '  </build>', // 15
    '  <profiles><profile><build><plugins><plugin><artifactId>fmt-maven-plugin</artifactId></plugin></plugins></build></profile></profiles>',
    '</project>',
  ].join('\n');
  const maven = detectMaven(repoWith(t, { 'pom.xml': pom }))!;
  assert.equal(maven.name, 'orders');
  assert.deepEqual(chosen(maven), {
    test: "mvn test <- pom.xml (maven's test phase)",
    build: "mvn package <- pom.xml (maven's package phase)",
    lint: 'mvn checkstyle:check <- pom.xml line 12 (plugin maven-checkstyle-plugin)',
  });
});

test('an ecosystem entry point wins a tie with a Makefile target; a Makefile target beats CI; CI beats nothing at all', async (t) => {
  const dir = tempRepo(t, {
    'package.json': JSON.stringify({ name: 'mixed', scripts: { test: 'vitest run' } }),
    'package-lock.json': '{}',
    Makefile: 'test:\n\tnpm test\nlint:\n\teslint .\n',
    '.github/workflows/ci.yml': 'on: push\njobs:\n  all:\n    runs-on: x\n    steps:\n      - run: npm run build\n      - run: make lint\n',
  });
  const pi = await learnProject(dir);
  assert.deepEqual(pi.commands.test, { command: 'npm test', source: 'package.json line 1 (scripts.test, npm)' });
  assert.deepEqual(pi.commands.lint, { command: 'make lint', source: 'Makefile line 3 (target lint)' });
  assert.deepEqual(pi.commands.build, { command: 'npm run build', source: '.github/workflows/ci.yml line 6 (job all)' });
  assert.equal(pi.packageManager, 'npm');
});

test("a Makefile target beats the go toolchain's command, and CI beats it too", async (t) => {
  const dir = tempRepo(t, {
    'go.mod': 'module example.com/x\n\ngo 1.22\n',
    Makefile: 'test:\n\tgo test -race ./...\n',
    '.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: go build -trimpath ./cmd/x\n',
  });
  const pi = await learnProject(dir);
  assert.deepEqual(pi.commands.test, { command: 'make test', source: 'Makefile line 1 (target test)' });
  assert.deepEqual(pi.commands.build, { command: 'go build -trimpath ./cmd/x', source: '.github/workflows/ci.yml line 6 (job b)' });
  assert.equal(pi.packageManager, 'go');
});

test('a manifest git ignores is not read', async (t) => {
  const dir = tempRepo(t, { '.gitignore': 'Makefile\n', 'main.c': 'int main(void){return 0;}\n' });
  writeFiles(dir, { Makefile: 'test:\n\t./run\n' });
  const pi = await learnProject(dir);
  assert.equal(pi.commands.test, null);
});
