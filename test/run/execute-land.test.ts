/**
 * The end of a run, end to end through `loop run --execute`: what `loop.land` does with the merged
 * work (fast-forward even when another task escalated, all-or-nothing, print only, pull request
 * through a fake `gh` and a local bare remote), and a landing that would replace a file the user
 * owns — an ignored `.env` — does not happen: the file stays byte-identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import { git, tempDir } from '../helpers/temp.js';
import { runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { gitSubcommand, noProcessesLeft, ofType, sandboxProject, seedTeam, writePlan } from '../helpers/execute-harness.js';

/** Sim implementers (each task writes loop-sim/<id>.md) and a sim critic; `c` fails every attempt. */
function simTeam(land?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    providers: { sim: { type: 'sim', sim: { latencyMs: 10, tasks: { c: 'fail' } } }, 'sim-critic': { type: 'sim' } },
    roles: [{ name: 'be1', provider: 'sim' }, { name: 'be2', provider: 'sim' }, { name: 'qa', provider: 'sim-critic' }],
    loop: { reviewer: 'qa', maxParallel: 2, maxRepairs: 0, ...(land ? { land } : {}), ...extra },
  };
}

const THREE_TASKS = [
  { id: 'a', title: 'Write note a', role: 'be1' },
  { id: 'b', title: 'Write note b', role: 'be2' },
  { id: 'c', title: 'Write note c (fails)', role: 'be1' },
];

test('default land: merged — a run with one escalated task fast-forwards main to the other two, says so, and still exits 1', async (t) => {
  const project = sandboxProject(t, { config: simTeam(), userEdits: { 'notes/todo.txt': 'untracked notes\n' } });
  const before = git(project.dir, ['rev-parse', 'main']);
  const result = await project.run(['run', 'three notes', '--execute', '--plan', writePlan(t, THREE_TASKS), '--run', 'partial']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const events = project.events('partial');
  assert.equal(ofType(events, 'task.escalated').length, 1);
  const landed = ofType(events, 'run.landed')[0]!;
  assert.equal(landed['fastForwarded'], true);
  assert.deepEqual(landed['tasks'], ['a', 'b']);
  const main = git(project.dir, ['rev-parse', 'main']);
  assert.notEqual(main, before);
  const tree = git(project.dir, ['ls-tree', '-r', '--name-only', 'main']);
  assert.match(tree, /loop-sim\/a\.md/);
  assert.match(tree, /loop-sim\/b\.md/);
  assert.doesNotMatch(tree, /loop-sim\/c\.md/);
  assert.match(result.stdout, new RegExp(`landed: main fast-forwarded to ${main.slice(0, 7)} in \\S+ \\(a, b\\)`));
  assert.match(result.stdout, /did not land: c \(escalated\)/);
  assert.match(result.stdout, /escalated \(exit 1\): 1 task escalated; 2\/3 tasks merged/);
  assert.equal(git(project.dir, ['status', '--porcelain']), '?? notes/', 'the user\'s untracked notes are all that is not committed');
  assert.equal(git(project.dir, ['for-each-ref', 'refs/heads/loop/']), '', 'the landed integration branch was removed');
  project.assertUserUntouched();
  await noProcessesLeft('partial');
});

test('land: all — an escalated task keeps main where it was and prints the command that lands the rest', async (t) => {
  const project = sandboxProject(t, { config: simTeam('all'), userEdits: null });
  const before = git(project.dir, ['rev-parse', 'main']);
  const result = await project.run(['run', 'three notes', '--execute', '--plan', writePlan(t, THREE_TASKS), '--run', 'strict']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.equal(git(project.dir, ['rev-parse', 'main']), before);
  assert.match(result.stdout, /not landed in \S+ \(a, b\): loop\.land is "all" and not every task merged/);
  const command = /land it with: (.*)/.exec(result.stdout)?.[1];
  assert.equal(command, `git -C ${project.dir} merge --ff-only --no-overwrite-ignore loop/strict/integration`);
  execFileSync('sh', ['-c', command!], { stdio: 'pipe' });
  assert.match(git(project.dir, ['ls-tree', '-r', '--name-only', 'main']), /loop-sim\/b\.md/);
  await noProcessesLeft('strict');
});

test('land: none — even when every task merged the checkout is not touched; the printed command lands it', async (t) => {
  const project = sandboxProject(t, { config: simTeam('none'), userEdits: null });
  const before = git(project.dir, ['rev-parse', 'main']);
  const result = await project.run(['run', 'two notes', '--execute', '--plan', writePlan(t, THREE_TASKS.slice(0, 2)), '--run', 'hands-off']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(git(project.dir, ['rev-parse', 'main']), before);
  assert.match(result.stdout, /loop\.land is "none"/);
  const command = /land it with: (.*)/.exec(result.stdout)?.[1];
  assert.ok(command);
  execFileSync('sh', ['-c', command], { stdio: 'pipe' });
  assert.equal(git(project.dir, ['rev-parse', 'main']), git(project.dir, ['rev-parse', 'loop/hands-off/integration']));
  const merges = readFileSync(project.gitLog, 'utf8').split('\n')
    .filter((line) => line.startsWith(`${project.dir}\t`) && gitSubcommand(line.split('\t')[1]!.split(' ')) === 'merge');
  assert.deepEqual(merges, [], 'loop ran no merge in the checkout');
  await noProcessesLeft('hands-off');
});

/** A bare repository added as the project's `origin`, for `land: pr` to push to. */
function bareRemote(t: TestContext, projectDir: string): string {
  const remote = join(tempDir(t, 'loop-remote-'), 'sandbox.git');
  git(projectDir, ['init', '-q', '--bare', remote]);
  git(projectDir, ['remote', 'add', 'origin', remote]);
  return remote;
}

/** A `land: pr` project whose `gh` touches `started`, then runs `rest` (a shell snippet): a landing that takes its time. */
function landingThroughSlowGh(t: TestContext, rest: string): { project: ReturnType<typeof sandboxProject>; env: NodeJS.ProcessEnv; started: string } {
  const project = sandboxProject(t, { config: simTeam('pr'), userEdits: null });
  bareRemote(t, project.dir);
  const dir = tempDir(t, 'loop-slow-gh-');
  const started = join(dir, 'started');
  writeFileSync(join(dir, 'gh'), `#!/bin/sh\ntouch '${started}'\n${rest}\n`, { mode: 0o755 });
  return { project, env: { ...project.env, PATH: `${dir}${delimiter}${project.env['PATH']}` }, started };
}

/** A fake `gh` that logs its argv and the body file, and answers with a pull request URL. */
function fakeGh(t: TestContext): { dir: string; args: () => string[]; body: () => string } {
  const dir = tempDir(t, 'loop-fake-gh-');
  const log = join(dir, 'gh');
  writeFileSync(join(dir, 'gh'), [
    '#!/bin/sh',
    `printf '%s\\n' "$@" > '${log}.args'`,
    'while [ $# -gt 0 ]; do',
    `  if [ "$1" = --body-file ]; then cp "$2" '${log}.body'; fi`,
    '  shift',
    'done',
    'echo "https://github.com/example/sandbox/pull/7"',
    '',
  ].join('\n'), { mode: 0o755 });
  return { dir, args: () => readFileSync(`${log}.args`, 'utf8').split('\n').filter(Boolean), body: () => readFileSync(`${log}.body`, 'utf8') };
}

test('land: pr — the integration branch is pushed to the remote and gh opens a pull request with the goal and the task list; main is not written', async (t) => {
  const project = sandboxProject(t, { config: simTeam('pr'), userEdits: null });
  const remote = bareRemote(t, project.dir);
  const gh = fakeGh(t);
  const before = git(project.dir, ['rev-parse', 'main']);
  const env = { ...project.env, PATH: `${gh.dir}${delimiter}${project.env['PATH']}` };
  const result = await runLoop(['run', 'Three notes for the team', '--execute', '--plan', writePlan(t, THREE_TASKS), '--run', 'review-me'], { cwd: project.dir, env, t });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.equal(git(project.dir, ['rev-parse', 'main']), before, 'main is not written');
  const pushed = git(remote, ['rev-parse', 'refs/heads/loop/review-me/integration']);
  assert.equal(pushed, ofType(project.events('review-me'), 'run.landed')[0]!['sha']);
  assert.match(git(remote, ['ls-tree', '-r', '--name-only', pushed]), /loop-sim\/a\.md/);
  const args = gh.args();
  assert.deepEqual(args.slice(0, 6), ['pr', 'create', '--base', 'main', '--head', 'loop/review-me/integration']);
  assert.equal(args[args.indexOf('--title') + 1], 'Three notes for the team');
  const body = gh.body();
  assert.match(body, /## In this pull request\n- `a` Write note a \(be1\)[^\n]*\n- `b` Write note b \(be2\)/);
  assert.match(body, /## Not in it\n- `c` Write note c \(fails\) \(be1\) — escalated/);
  assert.match(result.stdout, /pull request: https:\/\/github\.com\/example\/sandbox\/pull\/7 into main in \S+ \(a, b\)/);
  assert.match(result.stdout, /did not land: c \(escalated\)/);
  await noProcessesLeft('review-me');
});

test('a Ctrl-C at the terminal while the run is landing does not cut the landing short: it says so, the pull request is opened and the run finishes with its own exit code', async (t) => {
  // a gh that takes its time, so the signal arrives while loop is landing
  const { project, env, started } = landingThroughSlowGh(t, 'sleep 1.5\necho "https://github.com/example/sandbox/pull/8"');
  const run = startLoop(['run', 'Two notes', '--execute', '--plan', writePlan(t, THREE_TASKS.slice(0, 2)), '--run', 'late-sigint'], { cwd: project.dir, env, t, ownGroup: true });
  await waitFor('gh to be started by the landing', () => existsSync(started));
  // a terminal's Ctrl-C goes to the whole foreground process group: loop and the git it runs
  process.kill(-run.child.pid!, 'SIGINT');
  const result = await run.done;
  assert.equal(result.signal, null, `loop was not killed by the signal:\n${result.stdout}${result.stderr}`);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /SIGINT: the run is finishing \(landing, clean-up, summary\); press Ctrl-C again to leave at once/);
  assert.match(result.stdout, /pull request: https:\/\/github\.com\/example\/sandbox\/pull\/8/);
  assert.equal(ofType(project.events('late-sigint'), 'run.finished').length, 1);
  await noProcessesLeft('late-sigint');
});

test('a second Ctrl-C while the run is landing leaves at once: the actors are stopped, the exit code is 4 and the command that cleans up is printed', async (t) => {
  const { project, env, started } = landingThroughSlowGh(t, 'sleep 3');
  const run = startLoop(['run', 'Two notes', '--execute', '--plan', writePlan(t, THREE_TASKS.slice(0, 2)), '--run', 'leave-now'], { cwd: project.dir, env, t, ownGroup: true });
  await waitFor('gh to be started by the landing', () => existsSync(started));
  process.kill(-run.child.pid!, 'SIGINT');
  await waitFor('the first signal to be answered', () => /the run is finishing/.test(run.output()));
  process.kill(-run.child.pid!, 'SIGINT');
  const result = await run.done;
  assert.equal(result.code, 4, result.stdout + result.stderr);
  assert.match(result.stdout, /SIGINT again: leaving now; `loop clean --run leave-now` removes what is left/);
  await noProcessesLeft('leave-now');
  const clean = await runLoop(['clean', '--run', 'leave-now'], { cwd: project.dir, env, t });
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.equal(git(project.dir, ['for-each-ref', 'refs/heads/loop/leave-now/']), '', 'the printed command removed the run\'s branches');
});

test('a Ctrl-C at the terminal during the landing merge reaches loop, not its git: the merge and the user\'s post-merge hook finish and main is fast-forwarded', async (t) => {
  const project = sandboxProject(t, { config: simTeam(), userEdits: null });
  const dir = tempDir(t, 'loop-hook-');
  const [started, finished] = [join(dir, 'started'), join(dir, 'finished')];
  // the user's own hook, run by the landing's `git merge --ff-only` in their checkout
  writeFileSync(join(project.dir, '.git', 'hooks', 'post-merge'), `#!/bin/sh\ntouch '${started}'\nsleep 1.5\ntouch '${finished}'\n`, { mode: 0o755 });
  const before = git(project.dir, ['rev-parse', 'main']);
  const run = startLoop(['run', 'Two notes', '--execute', '--plan', writePlan(t, THREE_TASKS.slice(0, 2)), '--run', 'hooked'], { cwd: project.dir, env: project.env, t, ownGroup: true });
  await waitFor('the post-merge hook to start', () => existsSync(started));
  process.kill(-run.child.pid!, 'SIGINT');
  const result = await run.done;
  assert.equal(result.signal, null, result.stdout + result.stderr);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.ok(existsSync(finished), 'the hook was not interrupted');
  const main = git(project.dir, ['rev-parse', 'main']);
  assert.notEqual(main, before);
  assert.match(result.stdout, new RegExp(`landed: main fast-forwarded to ${main.slice(0, 7)}`));
  assert.match(result.stdout, /SIGINT: the run is finishing/);
  await noProcessesLeft('hooked');
});

test('land: pr without gh and without a remote says what is missing and keeps the work on its branch', async (t) => {
  const project = sandboxProject(t, { config: simTeam('pr'), userEdits: null });
  // PATH without any gh, so the test means the same on a machine that has one
  const PATH = (project.env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '' && !existsSync(join(dir, 'gh'))).join(delimiter);
  const result = await runLoop(['run', 'two notes', '--execute', '--plan', writePlan(t, THREE_TASKS.slice(0, 2)), '--run', 'no-gh'], { cwd: project.dir, env: { ...project.env, PATH }, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /loop\.land is "pr" but the GitHub CLI `gh` is not on PATH .* and \S+ has no git remote to push to/);
  assert.match(result.stdout, /land it with: git -C \S+ push origin loop\/no-gh\/integration && gh pr create --base main --head loop\/no-gh\/integration --fill/);
  assert.ok(git(project.dir, ['rev-parse', 'loop/no-gh/integration']), 'the integration branch is kept');
  await noProcessesLeft('no-gh');
});

test('a task that un-ignores and commits .env merges, but main is not fast-forwarded over the user\'s ignored .env: it stays byte-identical and the file is named', async (t) => {
  const userEnv = 'API_KEY=the-users-real-key\n';
  const project = sandboxProject(t, { config: seedTeam(), files: { '.gitignore': '.env\n' }, userEdits: { '.env': userEnv } });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: JSON.stringify({ verdict: 'accept', reasons: ['config added'], notes: [] }) };
  ctx.writeFile('.gitignore', '');
  ctx.writeFile('.env', 'API_KEY=placeholder-from-the-agent\\n');
  return { text: 'committed a default .env' };
};
`);
  assert.equal(git(project.dir, ['status', '--porcelain']), '', 'the user\'s .env is ignored: git calls the checkout clean');
  const before = git(project.dir, ['rev-parse', 'main']);
  const result = await project.run(['run', 'ship a default .env', '--execute', '--plan', writePlan(t, [{ id: 'env', title: 'Add a default .env', role: 'be1' }]), '--run', 'dotenv']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(git(project.dir, ['show', 'loop/dotenv/integration:.env']), /placeholder-from-the-agent/, 'the task merged onto the integration branch');
  assert.equal(readFileSync(join(project.dir, '.env'), 'utf8'), userEnv);
  assert.equal(git(project.dir, ['rev-parse', 'main']), before, 'main was not fast-forwarded');
  assert.match(result.stdout, /not landed in \S+ \(env\): landing would overwrite files .* \(\.env\)/);
  assert.match(result.stdout, /land it with: git -C \S+ merge --ff-only --no-overwrite-ignore loop\/dotenv\/integration/);
  const review = project.fakes.readLog().find((call) => call.cli === 'codex');
  assert.match(review?.prompt ?? '', /## Look closely\n- This change edits \.gitignore\./, 'the critic is told the change un-ignores files');
  project.assertUserUntouched();
  await noProcessesLeft('dotenv');
});
