/**
 * Every check of `checkConfigText`, each asserting the exact line, column and message. Configs are
 * written as arrays of lines so the expected line numbers can be read off the index (+1).
 */
import { after, test, type TestContext } from 'node:test';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { tempDir, tempRepo, writeFiles } from '../helpers/temp.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/**
 * A folder inside a git repository with a brief, so only the problem under test is reported.
 * Shared by the tests that only read it (making a repository per test is most of their time).
 */
const sharedRepo = tempRepo(null, { 'brief.md': '# brief\n' });
after(() => rmSync(sharedRepo, { recursive: true, force: true }));
function repoDir(_t: TestContext): string {
  return sharedRepo;
}

function problems(text: string, dir: string): string[] {
  return checkConfigText(text, 'loop.config.yaml', dir).problems.map(formatProblem);
}

const PROVIDERS = ['providers:', '  sim:', '    type: sim', '  critic:', '    type: sim'];
const ROLES = ['roles:', '  - name: planner', '    provider: sim', '  - name: backend', '    provider: sim', '  - name: qa', '    provider: critic'];
/** Lines 1-13: a valid team. */
const BASE = ['version: 1', ...PROVIDERS, ...ROLES];

test('a valid config has no problems and returns the resolved config', (t) => {
  const result = checkConfigText(yaml(...BASE), 'loop.config.yaml', repoDir(t));
  assert.deepEqual(result.problems, []);
  assert.equal(result.config?.loop.maxParallel, 2);
  assert.equal(result.config?.roles[2]?.concurrency, 1);
});

test('a YAML syntax error is reported with its line and no schema noise', (t) => {
  const text = yaml('version: 1', 'providers:', '  sim:', '    type: "sim', 'roles: []');
  assert.deepEqual(problems(text, repoDir(t)), ['loop.config.yaml:4:11: YAML syntax error: this quoted value is never closed; add the closing "']);
});

test('a duplicate key is reported at the second occurrence', (t) => {
  const text = yaml('version: 1', 'providers:', '  sim:', '    type: sim', '    type: sim', ...ROLES.slice(0, 3));
  assert.deepEqual(problems(text, repoDir(t)), ['loop.config.yaml:5:5: duplicate key "type"; a key may appear only once in a mapping']);
});

test('tabs used for indentation are reported', (t) => {
  const text = yaml('version: 1', 'providers:', '\tsim:');
  assert.deepEqual(problems(text, repoDir(t)), ['loop.config.yaml:3:1: YAML does not allow tabs for indentation; use spaces']);
});

test('an empty file is one problem at line 1', (t) => {
  assert.deepEqual(problems('', repoDir(t)), ['loop.config.yaml:1:1: the file is empty; run `loop init --force` to write a starter config']);
  assert.deepEqual(problems('# nothing yet\n', repoDir(t)), ['loop.config.yaml:1:1: the file has no settings, only comments; run `loop init --force` to write a starter config']);
});

test('a list at the top level is refused', (t) => {
  assert.deepEqual(problems('- version: 1\n', repoDir(t)), ['loop.config.yaml:1:1: expected a mapping of keys (version, providers, roles, …) at the top level, got a list']);
});

test('unknown keys point at the key with a did-you-mean', (t) => {
  const text = yaml(
    'version: 1',
    'providers:',
    '  sim:',
    '    type: sim',
    '    modle: fast', // 5
    '  critic:',
    '    type: sim',
    ...ROLES, // 8-14
    'loop:', // 15
    '  maxParalel: 3', // 16
    '  colour: red', // 17
  );
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:5:5: providers.sim.modle: unknown key "modle" (did you mean "model"?)',
    'loop.config.yaml:16:3: loop.maxParalel: unknown key "maxParalel" (did you mean "maxParallel"?)',
    'loop.config.yaml:17:3: loop.colour: unknown key "colour"; allowed here: planner, reviewer, maxParallel, maxRepairs, maxRetries, budgetUsd, taskTimeoutMinutes, testTimeoutMinutes, restartIntensity, backoff, protectedPaths, testCommand, setup, land, gate, engine, nats, viewport, notify, approvePlan',
  ]);
});

test('a loop or defaults setting written at the top level says which block it belongs in', (t) => {
  const text = yaml(...BASE, 'budgetUsd: 5', 'dashboardPort: 4000', 'colour: red');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:14:1: budgetUsd: unknown key "budgetUsd" at the top level; it belongs in the `loop:` block',
    'loop.config.yaml:15:1: dashboardPort: unknown key "dashboardPort" at the top level; it belongs in the `defaults:` block',
    'loop.config.yaml:16:1: colour: unknown key "colour"; allowed here: version, project, brief, intelligence, defaults, providers, repositories, roles, loop (or start it with "x-" to keep it as a place for YAML anchors)',
  ]);
});

test('top-level x- keys hold YAML anchors and merge keys work', (t) => {
  const text = yaml('version: 1', 'x-claude: &claude', '  type: claude', '  model: claude-sonnet-4-6', 'providers:', '  fast:', '    <<: *claude', '    effort: low', '  critic:', '    type: codex', 'roles:', '  - name: be', '    provider: fast', '  - name: qa', '    provider: critic');
  const result = checkConfigText(text, 'loop.config.yaml', repoDir(t));
  assert.deepEqual(result.problems.map(formatProblem), []);
  const fast = result.config?.providers['fast'];
  assert.deepEqual([fast?.type, fast?.model, fast?.effort], ['claude', 'claude-sonnet-4-6', 'low']);
});

test('a quoted version says to remove the quotes', (t) => {
  assert.deepEqual(problems(yaml('version: "1"', ...BASE.slice(1)), repoDir(t)), ['loop.config.yaml:1:10: version: must be 1, got "1" (a number: remove the quotes)']);
});

test('the old `loops:` block gets a specific hint', (t) => {
  const text = yaml(...BASE, 'loops:', '  - name: default', '    maxParallel: 2');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:14:1: loops: unknown key "loops": the old `loops:` list is not used; use the `loop:` block (see docs/config.md)',
  ]);
});

test('a role referencing a missing provider gets a did-you-mean, or the list of providers', (t) => {
  const text = yaml('version: 1', ...PROVIDERS, 'roles:', '  - name: planner', '    provider: sin', '  - name: fe', '    provider: gpt', '  - name: qa', '    provider: critic');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:9:15: roles[0].provider: role "planner" references provider "sin", which is not defined under providers (did you mean "sim"?)',
    'loop.config.yaml:11:15: roles[1].provider: role "fe" references provider "gpt", which is not defined under providers; defined providers: sim, critic',
  ]);
});

test('a role using a disabled provider is an error', (t) => {
  const text = yaml('version: 1', ...PROVIDERS, '  claude:', '    type: claude', '    enabled: false', ...ROLES.slice(0, 3), '  - name: backend', '    provider: claude', ...ROLES.slice(5));
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:14:15: roles[1].provider: role "backend" uses provider "claude", which has enabled: false; set enabled: true under providers.claude or pick another provider',
  ]);
});

test('duplicate role names are reported at the second one', (t) => {
  const text = yaml(...BASE, '  - name: backend', '    provider: sim');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:14:11: roles[3].name: role name "backend" is already used by roles[1]; role names must be unique',
  ]);
});

test('duplicate repository names are reported at the second one', (t) => {
  const one = tempRepo(t, { 'README.md': 'x\n' });
  const two = tempRepo(t, { 'README.md': 'x\n' });
  const text = yaml(...BASE, 'repositories:', '  - name: app', `    path: ${one}`, '  - name: app', `    path: ${two}`);
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:17:11: repositories[1].name: repository name "app" is already used by repositories[0]; repository names must be unique',
  ]);
});

test('loop.planner and loop.reviewer must name roles', (t) => {
  const text = yaml(...BASE, 'loop:', '  planner: planer', '  reviewer: nobody');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:15:12: loop.planner: planner "planer" is not a role defined under roles (did you mean "planner"?)',
    'loop.config.yaml:16:13: loop.reviewer: reviewer "nobody" is not a role defined under roles; defined roles: planner, backend, qa',
  ]);
});

test('an unknown sme discipline gets a did-you-mean or a pointer to `loop roles`', (t) => {
  const text = yaml('version: 1', ...PROVIDERS, 'roles:', '  - name: planner', '    provider: sim', '    sme: backnd', '  - name: qa', '    provider: critic', '    sme: wizard');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:10:10: roles[0].sme: "backnd" is not one of the 27 built-in disciplines (did you mean "backend"?)',
    'loop.config.yaml:13:10: roles[1].sme: "wizard" is not one of the 27 built-in disciplines; run `loop roles` to list them',
  ]);
});

test('a role listing an unknown repository is an error', (t) => {
  const app = tempRepo(t, { 'README.md': 'x\n' });
  const text = yaml(...BASE, '    repositories: [ap]', 'repositories:', '  - name: app', `    path: ${app}`);
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:14:20: roles[2].repositories[0]: role "qa" lists repository "ap", which is not defined under repositories (did you mean "app"?)',
  ]);
});

test('a role listing a repository when there is no repositories block is an error', (t) => {
  const text = yaml(...BASE, '    repositories: [app]');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:14:20: roles[2].repositories[0]: role "qa" lists repository "app", but there is no repositories block; add one or remove this entry',
  ]);
});

test('a critic on the same vendor as every implementer is a warning', (t) => {
  const text = yaml('version: 1', 'providers:', '  opus:', '    type: claude', '  sonnet:', '    type: claude', ...ROLES.slice(0, 5).map((l) => l.replace('sim', 'opus')), '  - name: qa', '    provider: sonnet');
  assert.deepEqual(problems(text, repoDir(t)), [
    'warning: loop.config.yaml:13:15: roles[2].provider: the critic uses the same provider as every implementer (claude); give it a different vendor so the review is independent',
  ]);
});

test('a critic on a different vendor than one implementer is fine', (t) => {
  const text = yaml('version: 1', 'providers:', '  claude:', '    type: claude', '  codex:', '    type: codex', 'roles:', '  - name: backend', '    provider: claude', '  - name: frontend', '    provider: codex', '  - name: critic', '    provider: claude');
  assert.deepEqual(problems(text, repoDir(t)), []);
});

test('a team without a reviewer gets a warning at roles', (t) => {
  const text = yaml('version: 1', ...PROVIDERS, ...ROLES.slice(0, 5));
  assert.deepEqual(problems(text, repoDir(t)), [
    'warning: loop.config.yaml:7:1: roles: no reviewer: set loop.reviewer to a role (or name a role "qa", "critic" or "reviewer") so every diff gets an independent review',
  ]);
});

test('repository paths that do not exist, are files or are not git repositories are errors at the path line', (t) => {
  const plain = tempDir(t);
  writeFiles(plain, { 'file.txt': 'x' });
  const text = yaml(...BASE, 'repositories:', '  - name: gone', '    path: ./missing', '  - name: file', '    path: file.txt', '  - name: plain', `    path: ${plain}`);
  const dir = tempRepo(t, { 'brief.md': '# brief\n' });
  writeFiles(dir, { 'file.txt': 'x' });
  assert.deepEqual(problems(text, dir), [
    `loop.config.yaml:16:11: repositories[0].path: ./missing (${join(dir, 'missing')}) does not exist; clone the repository there or fix the path`,
    `loop.config.yaml:18:11: repositories[1].path: file.txt (${join(dir, 'file.txt')}) is a file, not a folder; point it at the repository's folder`,
    `loop.config.yaml:20:11: repositories[2].path: ${plain} is not a git repository; run \`git init\` there or fix the path`,
  ]);
});

test('without a repositories block, a folder outside git gets a warning', (t) => {
  const dir = tempDir(t);
  writeFiles(dir, { 'brief.md': '# brief\n' });
  assert.deepEqual(problems(yaml(...BASE), dir), [
    'warning: loop.config.yaml: this folder is not inside a git repository and there is no repositories block; dry runs work, but `loop run --execute` needs a git repository (run `git init`, or list repositories under `repositories:`)',
  ]);
});

test('a missing brief is a warning at the brief key', (t) => {
  const dir = tempRepo(t, { 'README.md': 'x\n' });
  assert.deepEqual(problems(yaml('version: 1', 'brief: docs/brief.md', ...BASE.slice(1)), dir), [
    'warning: loop.config.yaml:2:8: brief: docs/brief.md does not exist; every role receives the brief, so write one (`loop init` creates a starter)',
  ]);
});

test('project and defaults.namespace must be names tmux and git can take', (t) => {
  const text = yaml('version: 1', 'project: my app', 'defaults:', '  namespace: team.v2', ...BASE.slice(1));
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:2:10: project: "my app" has characters tmux or git cannot take (" "); use 1-64 letters, digits, "-" or "_", starting with a letter or digit',
    'loop.config.yaml:4:14: defaults.namespace: "team.v2" has characters tmux or git cannot take ("."); use 1-64 letters, digits, "-" or "_", starting with a letter or digit',
  ]);
});

test('non-positive numbers say what is allowed', (t) => {
  const text = yaml(...BASE, '    concurrency: 0', 'loop:', '  maxParallel: 0', '  budgetUsd: -1', '  taskTimeoutMinutes: 0', '  maxRepairs: -1');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:14:18: roles[2].concurrency: must be a whole number of 1 or more, got 0',
    'loop.config.yaml:16:16: loop.maxParallel: must be a whole number of 1 or more, got 0',
    'loop.config.yaml:17:14: loop.budgetUsd: must be a number greater than 0, got -1; omit it for no cap',
    'loop.config.yaml:18:23: loop.taskTimeoutMinutes: must be a number greater than 0, got 0',
    'loop.config.yaml:19:15: loop.maxRepairs: must be a whole number of 0 or more, got -1',
  ]);
});

test('wrong types say what was expected and what was found', (t) => {
  const text = yaml('version: 2', ...PROVIDERS, '    enabled: "no"', ...ROLES, '    concurrency: two', 'loop:', '  maxParallel: 1.5', 'defaults:', '  dashboardPort: 70000');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:1:10: version: must be 1, got 2',
    'loop.config.yaml:7:14: providers.critic.enabled: expected true or false, got "no"',
    'loop.config.yaml:15:18: roles[2].concurrency: expected a number, got "two"',
    'loop.config.yaml:17:16: loop.maxParallel: must be a whole number of 1 or more, got 1.5',
    'loop.config.yaml:19:18: defaults.dashboardPort: must be a whole number between 1 and 65535, got 70000',
  ]);
});

test('gate.trainWait takes "auto" or seconds, and says so', (t) => {
  assert.deepEqual(problems(yaml(...BASE, 'loop:', '  gate:', '    trainWait: -3'), repoDir(t)), [
    'loop.config.yaml:16:16: loop.gate.trainWait: must be a number between 0 and 86400, got -3',
  ]);
  assert.deepEqual(problems(yaml(...BASE, 'loop:', '  gate:', '    trainWait: soon'), repoDir(t)), [
    'loop.config.yaml:16:16: loop.gate.trainWait: must be "auto" or seconds from 0 (never wait) to 86400, got "soon"',
  ]);
  assert.deepEqual(problems(yaml(...BASE, 'loop:', '  gate:', '    trainWait: 30'), repoDir(t)), []);
});

test('a wrong provider type lists the allowed ones with a did-you-mean', (t) => {
  const text = yaml('version: 1', 'providers:', '  sim:', '    type: simm', '  critic:', '    type: sim', ...ROLES);
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:4:11: providers.sim.type: expected one of "claude", "codex", "gemini", "command", "custom", "sim", got "simm" (did you mean "sim"?)',
  ]);
});

test('missing required keys are reported at the object that lacks them', (t) => {
  const text = yaml('providers:', '  sim:', '    type: sim', 'roles:', '  - name: planner');
  assert.deepEqual(problems(text, repoDir(t)), [
    'loop.config.yaml:1:1: version: missing required key "version"; add `version: 1` at the top',
    'loop.config.yaml:5:5: roles[0].provider: missing required key "provider"; set it to a key under providers',
  ]);
});

test('every problem is reported at once: syntax-valid files get schema and reference problems together', (t) => {
  const text = yaml(
    'version: 1',
    'providers:',
    '  sim:',
    '    type: sim',
    '    latency: 3', // 5: unknown key
    'roles:',
    '  - name: be',
    '    provider: gpt', // 8: missing provider
    '  - name: be', // 9: duplicate
    '    provider: sim',
    'loop:',
    '  maxParallel: 0', // 12
    '  reviewer: qa', // 13
  );
  const found = problems(text, repoDir(t));
  assert.equal(found.length, 5, found.join('\n'));
  assert.deepEqual(found.map((line) => line.split(':')[1]), ['5', '8', '9', '12', '13']);
});
