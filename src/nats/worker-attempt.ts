/**
 * A remote SME attempt on a `loop worker`: point one of the worker's own slots at the job's base
 * commit (in its own clone), write the prompt files, run the role's SME actor there, commit the
 * agent's work with the supervisor's capture rules (nothing ignored, nothing under `.loop/`, the
 * files copied into the slot left out) and push it to the task branch with
 * `--force-with-lease=<branch>:<what the remote held when the job started>`. A second worker
 * running the same job (its lease ran out on one, the job was handed out again) therefore cannot
 * overwrite the other's push: whichever pushes second fails loudly, and the supervisor, which
 * fetches the commit the answering worker reported and checks it, never takes the wrong one.
 * The tamper check stays on the supervisor's side, in its gate.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { RemoteAttemptSchema, WORKDIR_MARK, type AgentResult, type RemoteAttempt, type RemoteAttemptResult, type Result } from '../../protocol/index.js';
import { captureWork } from '../git/capture.js';
import { gitTry } from '../git/git.js';
import { pushWithLease } from '../git/remote.js';
import { refSha } from '../git/repo.js';
import type { JobRequest } from './dispatch.js';
import type { WorkerRepos } from './worker-repos.js';
import type { WorkerSme } from './worker-sme.js';

/** A transcript larger than this is cut to its end: a NATS message is at most 1 MB by default. */
export const MAX_LOG_BYTES = 256 * 1024;

export interface WorkerAttemptDeps {
  home: string;
  repos: WorkerRepos;
  sme: WorkerSme;
  signal: AbortSignal;
}

/** A role's job as `loop worker` takes it: a remote attempt, or a job this worker cannot read (a crash, retried by the supervisor). */
export async function handleRemoteJob(request: JobRequest, deps: WorkerAttemptDeps): Promise<Result> {
  const job = v.safeParse(RemoteAttemptSchema, request.body);
  if (!job.success) throw new Error(`job ${request.job} is not a remote attempt this worker understands (${v.summarize(job.issues).split('\n')[0]}); are the supervisor and this worker the same loop version?`);
  return runRemoteAttempt(job.output, request.job, deps);
}

export async function runRemoteAttempt(job: RemoteAttempt, jobId: string, deps: WorkerAttemptDeps): Promise<Result> {
  const dir = join(deps.home, 'worker', 'runs', job.runId);
  mkdirSync(join(dir, 'prompts'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const promptFile = join(dir, 'prompts', `${job.taskId}.${job.attempt}.md`);
  const systemPromptFile = join(dir, 'prompts', `${job.role}.system.md`);
  const logFile = join(dir, 'logs', `${job.taskId}.${job.attempt}.log`);
  writeFileSync(systemPromptFile, job.systemPrompt);
  const request = (workdir: string | null) => {
    const prompt = job.prompt.split(WORKDIR_MARK).join(workdir ?? '.');
    writeFileSync(promptFile, prompt);
    return {
      type: 'run-attempt' as const, runId: job.runId, taskId: job.taskId, attempt: job.attempt, role: job.role, taskTitle: job.taskTitle,
      ...(job.taskFiles ? { taskFiles: job.taskFiles } : {}), provider: job.provider, workdir, prompt, promptFile, systemPromptFile, logFile,
      deadlineMs: job.deadlineMs, ...(job.allowedCommands ? { allowedCommands: job.allowedCommands } : {}),
    };
  };
  const repo = job.repo;
  if (repo === null) return withRemote(await deps.sme.run(job.role, jobId, request(null), deps.signal), null, logFile);

  const clone = await deps.repos.fetched(repo, job.runId);
  if ((await gitTry(clone, ['cat-file', '-e', `${repo.base}^{commit}`])).code !== 0) {
    throw new Error(`the base commit ${repo.base.slice(0, 12)} of ${job.taskId} is not on the remote ${repo.remote} (the supervisor pushes it before dispatching)`);
  }
  // What the task branch holds on the remote now: the push below expects exactly this.
  const lease = (await refSha(clone, `refs/remotes/${repo.branch}`)) ?? '';
  const pool = deps.repos.pool(clone, job.runId, repo);
  const slot = await pool.acquire('task');
  try {
    await pool.pointAt(slot, { sha: repo.base, branch: repo.branch });
    const result = await deps.sme.run(job.role, jobId, request(slot.path), deps.signal);
    if (result.tag !== 'ok' || !(result.value as AgentResult).ok) return withRemote(result, null, logFile);
    const work = await captureWork(slot.path, { baseSha: repo.base, message: `loop(${job.taskId}): ${job.taskTitle} [attempt ${job.attempt}]` });
    if (work.commit !== null) {
      const pushed = await pushWithLease(clone, repo.remote, work.commit, `refs/heads/${repo.branch}`, lease);
      if (!pushed.ok) {
        throw new Error(pushed.rejected
          ? `the task branch ${repo.branch} moved on ${repo.remote} while this attempt ran (another worker pushed it); this worker's commit ${work.commit.slice(0, 12)} was not pushed over it`
          : `could not push ${repo.branch} to ${repo.remote}: ${pushed.error}`);
      }
    }
    return withRemote(result, work.commit, logFile);
  } finally {
    pool.release(slot);
  }
}

function withRemote(result: Result, commit: string | null, logFile: string): Result {
  if (result.tag !== 'ok') return result;
  const value: RemoteAttemptResult = { ...(result.value as AgentResult), remote: { commit, log: readTail(logFile) } };
  return { tag: 'ok', value };
}

function readTail(file: string): string {
  if (!existsSync(file)) return '';
  const bytes = readFileSync(file);
  if (bytes.length <= MAX_LOG_BYTES) return bytes.toString('utf8');
  return `[the first ${bytes.length - MAX_LOG_BYTES} bytes of this transcript are left on the worker, in ${file}]\n${bytes.subarray(bytes.length - MAX_LOG_BYTES).toString('utf8')}`;
}
