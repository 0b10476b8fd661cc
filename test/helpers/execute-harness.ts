/**
 * Harness for `loop run --execute` end-to-end tests: a copy of examples/sandbox as the user's
 * repository (optionally with uncommitted edits and untracked files the tool must not touch),
 * fake claude/codex/gemini on PATH, and a logging `git` wrapper that records every git command
 * loop runs, with its working directory, so a test can prove nothing destructive ran in the
 * user's checkout.
 */
import { chmodSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { packageRoot } from '../../src/util/package-root.js';
import { fakeAgents, type FakeAgents } from './fake-agents.js';
import { git, tempDir } from './temp.js';
import { boardEvents, runLoop, processesOfRun, waitFor, type LoopResult } from './loop-cli.js';

export interface ExecuteProject {
  dir: string;
  home: string;
  fakes: FakeAgents;
  env: NodeJS.ProcessEnv;
  /** The user's own uncommitted and untracked files, as they were before the run. */
  userFiles: Record<string, string>;
  gitLog: string;
  run(args: string[]): Promise<LoopResult>;
  events(runId: string): ReturnType<typeof boardEvents>;
  /** Asserts the user's files are byte-identical and no destructive git command ran in their checkout. */
  assertUserUntouched(): void;
}

export const USER_EDITS: Record<string, string> = {
  'test/math.test.js': "// the user's uncommitted edit to a tracked file\nimport { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../math.js';\n\ntest('add adds two numbers', () => {\n  assert.equal(add(2, 3), 5);\n});\n",
  'notes/todo.txt': 'untracked notes the tool must never touch\n',
  'math.js.orig': 'an untracked backup file\n',
};

export function sandboxProject(t: TestContext, options: { config: Record<string, unknown>; userEdits?: Record<string, string> | null; files?: Record<string, string> }): ExecuteProject {
  const dir = tempDir(t, 'loop-exec-');
  cpSync(join(packageRoot(), 'examples', 'sandbox'), dir, { recursive: true });
  for (const name of ['loop.config.yaml', 'loop.sim.yaml']) writeFileSync(join(dir, name), '');
  writeFileSync(join(dir, 'loop.config.yaml'), stringify(options.config));
  for (const [path, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, path), content);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'sandbox']);
  const userEdits = options.userEdits === undefined ? USER_EDITS : options.userEdits ?? {};
  for (const [path, content] of Object.entries(userEdits)) {
    const full = join(dir, path);
    execFileSync('mkdir', ['-p', resolve(full, '..')]);
    writeFileSync(full, content);
  }
  const home = tempDir(t, 'loop-exec-home-');
  const fakes = fakeAgents(t);
  const wrapperDir = tempDir(t, 'loop-git-wrapper-');
  const gitLog = join(wrapperDir, 'git-calls.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(wrapperDir, 'git'), `#!/bin/sh\nprintf '%s\\t%s\\n' "$PWD" "$*" >> '${gitLog}'\nexec '${realGit}' "$@"\n`);
  chmodSync(join(wrapperDir, 'git'), 0o755);
  const env = { ...fakes.env, PATH: `${wrapperDir}:${fakes.env['PATH']}`, LOOP_HOME: home, CLAUDE_CODE_MAX_RETRIES: '1' };
  return {
    dir,
    home,
    fakes,
    env,
    userFiles: userEdits,
    gitLog,
    run: (args) => runLoop(args, { cwd: dir, env, t }),
    events: (runId) => boardEvents(dir, runId),
    assertUserUntouched() {
      for (const [path, content] of Object.entries(userEdits)) {
        assert.equal(readFileSync(join(dir, path), 'utf8'), content, `${path} changed`);
      }
      const calls = existsSync(gitLog) ? readFileSync(gitLog, 'utf8').split('\n').filter(Boolean) : [];
      assert.ok(calls.length > 0, 'the git wrapper saw loop\'s git commands');
      for (const call of calls) {
        const [cwd, line] = call.split('\t') as [string, string];
        const args = line.split(' ');
        const at = args.indexOf('-C');
        const where = at >= 0 ? resolve(cwd, args[at + 1]!) : resolve(cwd);
        if (where !== resolve(dir)) continue;
        const command = gitSubcommand(args);
        assert.ok(!WORKTREE_CHANGING.has(command), `git ${line} ran in the user's checkout`);
        if (command === 'merge') {
          assert.ok(args.includes('--ff-only'), `git ${line} in the user's checkout is not a fast-forward`);
          assert.ok(args.includes('--no-overwrite-ignore'), `git ${line} in the user's checkout may replace ignored files`);
        }
        if (command === 'branch' && (args.includes('-D') || args.includes('-d'))) assert.match(line, /loop\//, `git ${line} deleted a user branch`);
      }
    },
  };
}

/** Subcommands that write the working tree, the index or history where they run. */
const WORKTREE_CHANGING = new Set(['reset', 'clean', 'checkout', 'switch', 'restore', 'stash', 'rm', 'mv', 'rebase', 'cherry-pick', 'revert', 'am', 'apply', 'commit', 'add', 'pull']);

/** The git subcommand of an argv, skipping global options such as `-c key=value` and `-C dir`. */
export function gitSubcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-c' || arg === '-C' || arg === '--git-dir' || arg === '--work-tree') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return '';
}

/** The seed team: two claude engineers and a codex QA critic (a different vendor), planner claude. */
export function seedTeam(loop: Record<string, unknown> = {}, extraProviders: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    project: 'sandbox',
    providers: {
      claude: { type: 'claude', model: 'sonnet', permissionMode: 'acceptEdits' },
      codex: { type: 'codex', effort: 'medium' },
      ...extraProviders,
    },
    roles: [
      { name: 'planner', sme: 'product-manager', provider: 'claude' },
      { name: 'be1', sme: 'backend', provider: 'claude' },
      { name: 'be2', sme: 'backend', provider: 'claude' },
      { name: 'qa', sme: 'qa', provider: 'codex' },
    ],
    loop: { planner: 'planner', reviewer: 'qa', maxParallel: 2, maxRepairs: 2, budgetUsd: 5, taskTimeoutMinutes: 2, testTimeoutMinutes: 1, ...loop },
  };
}

/** A plan file (outside the repository) for --plan, so the planner's own behaviour is tested once, separately. */
export function writePlan(t: TestContext, tasks: Array<Record<string, unknown>>): string {
  const file = join(tempDir(t, 'loop-plan-'), 'plan.yaml');
  writeFileSync(file, stringify({ tasks }));
  return file;
}

export async function noProcessesLeft(runId: string): Promise<void> {
  await waitFor(`every process of run ${runId} to exit`, () => processesOfRun(runId).length === 0, 15_000);
}

export const ofType = (events: ReturnType<typeof boardEvents>, type: string) => events.filter((e) => e.type === type);
