/**
 * A remote attempt on a worker, with real git, a bare remote and the sim agent: the worker clones
 * the remote into its own LOOP_HOME (once), works in its own slot from the job's base commit,
 * commits the agent's work and pushes the task branch with --force-with-lease. Two workers running
 * the same job (a lease ran out on one while it still ran): whichever pushes second is refused
 * and says so; the branch keeps the first push, which is the commit that worker reported.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { ProviderSchema, RemoteAttemptResultSchema, type RemoteAttempt, type Result } from '../../protocol/index.js';
import { WorkerRepos } from '../../src/nats/worker-repos.js';
import { runRemoteAttempt } from '../../src/nats/worker-attempt.js';
import { WorkerSme } from '../../src/nats/worker-sme.js';
import { waitFor } from '../helpers/loop-cli.js';
import { git, tempDir, tempRepo } from '../helpers/temp.js';

function bareRemote(t: TestContext): { remote: string; base: string } {
  const project = tempRepo(t, { 'README.md': '# project\n' });
  const remote = join(tempDir(t, 'loop-remote-'), 'project.git');
  git(project, ['clone', '-q', '--bare', project, remote]);
  return { remote, base: git(project, ['rev-parse', 'HEAD']) };
}

const job = (remote: string, base: string, latencyMs: number): RemoteAttempt => ({
  type: 'remote-attempt', runId: 'r1', taskId: 't1', attempt: 1, role: 'backend', taskTitle: 'Add a thing', taskFiles: ['thing.md'],
  provider: { key: 'sim', config: v.parse(ProviderSchema, { type: 'sim', sim: { latencyMs } }) },
  prompt: '# Task t1\nWork only inside <loop:workdir>.\n', systemPrompt: '# Backend\n', deadlineMs: 60_000,
  repo: { name: 'project', remote, base, branch: 'loop/r1/t1', setupCommand: null, copyFiles: [] },
});

function worker(t: TestContext): { home: string; run: (j: RemoteAttempt) => Promise<Result> } {
  const home = tempDir(t, 'loop-worker-home-');
  const sme = new WorkerSme(() => undefined);
  const repos = new WorkerRepos(home, () => undefined);
  t.after(async () => {
    sme.killAgents();
    await repos.dispose();
  });
  return { home, run: (j) => runRemoteAttempt(j, `${j.taskId}-job`, { home, repos, sme, signal: new AbortController().signal }) };
}

const pushedCommit = (result: Result): string | null => v.parse(RemoteAttemptResultSchema, (result as { value: unknown }).value).remote.commit;

test('a worker clones the remote once into its own home, commits the agent\'s work on the base and pushes the task branch; the prompt names its own slot', async (t) => {
  const { remote, base } = bareRemote(t);
  const w = worker(t);
  const result = await w.run(job(remote, base, 10));
  assert.equal(result.tag, 'ok');
  const commit = pushedCommit(result);
  assert.match(commit ?? '', /^[0-9a-f]{40}$/);
  assert.equal(git(remote, ['rev-parse', 'refs/heads/loop/r1/t1']), commit, 'the task branch on the remote is the reported commit');
  assert.equal(git(remote, ['rev-parse', `${commit}^`]), base, 'one commit on the base');
  assert.deepEqual(git(remote, ['diff', '--name-only', base, commit!]).split('\n'), ['thing.md']);
  const log = v.parse(RemoteAttemptResultSchema, (result as { value: unknown }).value).remote.log;
  assert.match(log, /built-in sim agent/);
  const clones = readdirSync(join(w.home, 'worker')).filter((name) => name.startsWith('project-'));
  assert.equal(clones.length, 1);
  const prompt = readFileSync(join(w.home, 'worker', 'runs', 'r1', 'prompts', 't1.1.md'), 'utf8');
  assert.match(prompt, new RegExp(`Work only inside ${w.home}/worktrees/project-[0-9a-f-]+/r1/slot-1\\.`));

  // A second job of the same run reuses the clone (fetched, not cloned again) and leases on the pushed value.
  const again = await w.run({ ...job(remote, base, 10), attempt: 2 });
  assert.equal(again.tag, 'ok');
  assert.equal(readdirSync(join(w.home, 'worker')).filter((name) => name.startsWith('project-')).length, 1);
  assert.equal(git(remote, ['rev-parse', 'refs/heads/loop/r1/t1']), pushedCommit(again));
});

test('two workers on the same job: the second push is refused with a line saying why, and the branch keeps the first worker\'s reported commit', async (t) => {
  const { remote, base } = bareRemote(t);
  const slow = worker(t);
  const fast = worker(t);
  // The slow worker reads the branch (absent), then its agent takes 8 s; the fast one runs the whole job meanwhile.
  const first = slow.run(job(remote, base, 8_000));
  await waitFor('the slow worker\'s agent to start', () => existsSync(join(slow.home, 'worker', 'runs', 'r1', 'logs', 't1.1.log')), 60_000);
  const settled = await Promise.allSettled([first, fast.run(job(remote, base, 10))]);
  const won = settled.filter((s): s is PromiseFulfilledResult<Result> => s.status === 'fulfilled');
  const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  assert.equal(won.length, 1, JSON.stringify(settled.map((s) => s.status)));
  assert.equal(lost.length, 1);
  assert.match(String(lost[0]!.reason), /the task branch loop\/r1\/t1 moved on .* while this attempt ran \(another worker pushed it\); this worker's commit [0-9a-f]{12} was not pushed over it/);
  assert.equal(git(remote, ['rev-parse', 'refs/heads/loop/r1/t1']), pushedCommit(won[0]!.value));
});
