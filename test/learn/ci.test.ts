import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCiCommand, splitScript } from '../../src/learn/ci-classify.js';
import { githubWorkflowCommands, gitlabCiCommands } from '../../src/learn/ci-commands.js';
import { isCiFile } from '../../src/learn/ci-files.js';
import { workflowOrder } from '../../src/learn/detect-ci.js';

const classified: [string, ReturnType<typeof classifyCiCommand>][] = [
  ['npm ci', 'install'],
  ['npm install --no-audit', 'install'],
  ['pnpm install --frozen-lockfile', 'install'],
  ['yarn', 'install'],
  ['pip install -r requirements.txt', 'install'],
  ['python -m pip install --upgrade pip', 'install'],
  ['pip install pytest', 'install'],
  ['uv sync --all-extras', 'install'],
  ['go mod download', 'install'],
  ['sudo apt-get install -y libssl-dev', null],
  ['npm test', 'test'],
  ['npm run test:ci', 'test'],
  ['pnpm test -- --coverage', 'test'],
  ['pytest -q tests', 'test'],
  ['python -m pytest --cov=src', 'test'],
  ['python -m unittest discover -s tests', 'test'],
  ['go test -race ./...', 'test'],
  ['cargo test --all-features', 'test'],
  ['make test', 'test'],
  ['make check', 'test'],
  ['make -j4 check', 'test'],
  ['node --test', 'test'],
  ['CI=true npx jest --runInBand', 'test'],
  ['./scripts/run-tests.sh', 'test'],
  ['mvn -B verify', 'test'],
  ['./gradlew check', 'test'],
  ['tox -e py312', 'test'],
  ['npm run lint', 'lint'],
  ['npx eslint . --format stylish', 'lint'],
  ['ruff check --output-format=github .', 'lint'],
  ['flake8 app tests', 'lint'],
  ['cargo clippy -- -D warnings', 'lint'],
  ['go vet ./...', 'lint'],
  ['golangci-lint run', 'lint'],
  ['npx prettier --check .', 'format'],
  ['cargo fmt --all -- --check', 'format'],
  ['mvn -B spotless:check', 'format'],
  ['./gradlew spotlessCheck', 'format'],
  ['mvn --batch-mode checkstyle:check', 'lint'],
  ['./gradlew ktlintCheck', 'lint'],
  ['npm run build', 'build'],
  ['make', 'build'],
  ['cargo build --release', 'build'],
  ['cargo check', 'build'],
  ['./gradlew build', 'build'],
  ['echo "run the tests"', null],
  ['git diff --exit-code', null],
  ['docker build -t app .', null],
  ['cd web', null],
  ['codecov -f coverage.xml', null],
  ['$HOME/bin/tool test', null],
];

for (const [command, expected] of classified) {
  test(`CI command "${command}" is classified as ${expected ?? 'nothing'}`, () => {
    assert.equal(classifyCiCommand(command), expected);
  });
}

test('a run block splits into commands, keeping a leading cd with the command it applies to', () => {
  const script = [
    '# install first',
    'npm ci',
    '',
    'cd web && npm test',
    'npm run build && npm run lint',
    'pytest \\',
    '  --maxfail=1 tests',
    'echo "${{ matrix.node }}"',
    'pytest --junitxml=$CI_PROJECT_DIR/report.xml',
  ].join('\n');
  assert.deepEqual(splitScript(script), [
    'npm ci',
    'cd web && npm test',
    'npm run build',
    'npm run lint',
    'pytest --maxfail=1 tests',
  ]);
});

test('GitHub workflow run steps are read in job order, with working-directory as a cd prefix', () => {
  const workflow = `
name: CI
on: push
defaults:
  run:
    working-directory: app
jobs:
  unit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm test
  docs:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: docs
    steps:
      - run: make html
      - run: ./check-links.sh
        working-directory: tools
`;
  const parsed = githubWorkflowCommands(workflow);
  assert.deepEqual(parsed, {
    ok: true,
    commands: [
      { command: 'cd app && npm ci', job: 'unit', line: 12 },
      { command: 'cd app && npm test', job: 'unit', line: 13 },
      { command: 'cd docs && make html', job: 'docs', line: 20 },
      { command: 'cd tools && ./check-links.sh', job: 'docs', line: 21 },
    ],
  });
});

test('well-known actions stand for their command: golangci-lint-action, pre-commit/action', () => {
  const workflow = [
    'on: push',
    'jobs:',
    '  golangci-lint:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: golangci/golangci-lint-action@v3.2.0',
    '        with:',
    '          version: latest',
    '          args: --verbose',
    '  hooks:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: pre-commit/action@v3.0.1',
  ].join('\n');
  assert.deepEqual(githubWorkflowCommands(workflow), {
    ok: true,
    commands: [
      { command: 'golangci-lint run --verbose', job: 'golangci-lint', line: 7 },
      { command: 'pre-commit run --all-files', job: 'hooks', line: 14 },
    ],
  });
});

test('a workflow that is not valid YAML is reported with its first error, not thrown', () => {
  const parsed = githubWorkflowCommands('jobs:\n  test:\n    steps: [\n');
  assert.equal(parsed.ok, false);
  assert.ok(!parsed.ok && parsed.error.length > 0);
});

test('GitLab jobs contribute their script lines; hidden templates and settings do not', () => {
  const config = `
stages: [test]
variables:
  script: not-a-job
before_script:
  - npm ci
.template:
  script:
    - make template
unit:
  stage: test
  extends: .template
  script:
    - npm run test:unit
    - - npm run lint
lint:
  script: ruff check .
ref:
  script:
    - !reference [.template, script]
`;
  const parsed = gitlabCiCommands(config);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.commands, [
    { command: 'npm run test:unit', job: 'unit', line: 14 },
    { command: 'npm run lint', job: 'unit', line: 15 },
    { command: 'ruff check .', job: 'lint', line: 17 },
  ]);
});

test('workflows named like checks are read before the others', () => {
  assert.deepEqual(
    workflowOrder(['.github/workflows/release.yml', '.github/workflows/ci.yml', '.github/workflows/deploy.yml', '.github/workflows/pr-checks.yaml']),
    ['.github/workflows/ci.yml', '.github/workflows/pr-checks.yaml', '.github/workflows/deploy.yml', '.github/workflows/release.yml'],
  );
});

const ciFiles: [string, boolean][] = [
  ['.github/workflows/ci.yml', true],
  ['.github/workflows/release.yaml', true],
  ['.gitlab-ci.yml', true],
  ['.circleci/config.yml', true],
  ['Jenkinsfile', true],
  ['sub/.gitlab-ci.yml', false],
  ['.github/dependabot.yml', false],
];

for (const [path, expected] of ciFiles) {
  test(`"${path}" ${expected ? 'is' : 'is not'} a CI file`, () => {
    assert.equal(isCiFile(path), expected);
  });
}
