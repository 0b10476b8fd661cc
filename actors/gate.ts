/**
 * The gate actor: the only judge of whether work may land. `verify`: capture the attempt's work
 * (committed or not), refuse changes to protected files, run the project's tests, and apply the
 * regression rule against the base's own result. `merge`: the merge queue — one merge at a time
 * per repository onto the integration head in a scratch slot, tests again on the result, and the
 * branch advances (compare-and-swap) only if green. Test results are cached by tree SHA, so a
 * tree is never tested twice.
 */
import * as v from 'valibot';
import type { Failure, GateResult, MergeResult, ProtectedSpec, RequestOf, Result } from '../protocol/index.js';
import { defineActor, type RequestContext } from './runtime.js';

export const GateInputSchema = v.strictObject({ runId: v.string() });

export interface TestOutcome {
  status: 'passed' | 'failed' | 'timed-out' | 'error';
  failures: string[];
  evidence: string;
  durationMs: number;
}

export interface GatePorts {
  /** `tree` (of the commit) lets the gate skip a lookup when it checks its test-result cache. */
  capture(workdir: string, baseSha: string, message: string): Promise<{ commit: string | null; changedFiles: string[]; tree: string | null }>;
  tamper(repo: string, baseSha: string, commit: string, spec: ProtectedSpec): Promise<{ ok: boolean; violations: { file: string; reason: string }[] }>;
  tree(repo: string, commit: string): Promise<string>;
  /** `onStart`/`onExit` report the suite's process group so the gate adopts it (it dies with the gate). */
  runTests(options: { cwd: string; command: string; timeoutMs: number; logFile: string; signal: AbortSignal; onStart: (pid: number) => void; onExit: (pid: number) => void }): Promise<TestOutcome>;
  /** Detach a slot of loop's own at a SHA (discarding what it held). */
  checkout(workdir: string, sha: string): Promise<void>;
  /** The merge commit onto `baseSha`; the scratch slot may be left anywhere (the gate checks it out before testing). */
  merge(options: { repo: string; scratch: string; baseSha: string; commit: string; message: string }): Promise<{ ok: true; sha: string; tree: string } | { ok: false; files: string[]; message: string }>;
  resolve(repo: string, ref: string): Promise<string>;
  advance(repo: string, ref: string, newSha: string, oldSha: string): Promise<boolean>;
}

type Verify = RequestOf<'verify'>;
/** What a request's work needs from its context: cancellation, and adopting the test suite's process group. */
type Scope = Pick<RequestContext, 'signal' | 'adoptGroup' | 'releaseGroup'>;
type Merge = RequestOf<'merge'>;

export function createGateActor(ports: GatePorts) {
  return defineActor({
    input: GateInputSchema,
    start() {
      const results = new Map<string, TestOutcome>();
      const queues = new Map<string, Promise<unknown>>();

      /** Runs the suite on `commit` checked out in `cwd`, unless this tree was already tested. */
      /** `prepare` puts `commit` into `cwd`; it runs only when the tree was never tested. */
      async function testTree(repo: string, commit: string, cwd: string, request: Verify | Merge, scope: Scope, tree?: string | null, prepare?: () => Promise<void>): Promise<TestOutcome> {
        const key = `${tree ?? (await ports.tree(repo, commit))}\0${request.testCommand}`;
        const cached = results.get(key);
        if (cached) return cached;
        if (prepare) await prepare();
        const outcome = await ports.runTests({
          cwd, command: request.testCommand!, timeoutMs: request.testTimeoutMs, logFile: request.logFile, signal: scope.signal,
          onStart: (pid) => scope.adoptGroup(pid), onExit: (pid) => scope.releaseGroup(pid),
        });
        if (outcome.status === 'passed' || outcome.status === 'failed') results.set(key, outcome);
        return outcome;
      }

      async function verify(r: Verify, scope: Scope): Promise<GateResult> {
        const started = Date.now();
        const done = (result: Omit<GateResult, 'durationMs'>): GateResult => ({ ...result, durationMs: Date.now() - started });
        if (r.workdir === null || r.repoPath === null || r.baseSha === null) {
          return done({ ok: true, commit: null, changedFiles: [], tests: 'skipped', summary: 'dry-run: nothing to verify' });
        }
        let captured: Awaited<ReturnType<GatePorts['capture']>>;
        try {
          captured = await ports.capture(r.workdir, r.baseSha, r.commitMessage);
        } catch (error) {
          // Git refusing to read the slot is the agent's doing (a deleted .git, a wrecked index): data, not a gate crash.
          const message = error instanceof Error ? error.message : String(error);
          return done({ ok: false, commit: null, changedFiles: [], tests: 'skipped', summary: 'the worktree was left unusable', failure: failure('agent-error', 'the agent left its worktree unusable for git', `git could not read the worktree after the attempt: ${message}\nDo not touch the .git file or run git commands that rewrite the repository; just change the files.`) });
        }
        const { commit, changedFiles, tree } = captured;
        if (commit === null) {
          return done({ ok: false, commit, changedFiles, tests: 'skipped', summary: 'no changes', failure: failure('no-changes', 'the agent finished without changing any file', 'The previous attempt made no change to the repository. Make the change the task asks for.') });
        }
        const tamper = await ports.tamper(r.repoPath, r.baseSha, commit, r.protected);
        if (!tamper.ok) {
          const files = [...new Set(tamper.violations.map((x) => x.file))];
          const evidence = [
            'The change modified files that grade the work, which is not allowed:',
            ...tamper.violations.map((x) => `- ${x.file}: ${x.reason}`),
            'Leave existing tests, test-runner and package-manager configuration (.npmrc, .yarnrc*, bunfig.toml, …), CI workflows, package.json scripts and loop files exactly as they are, and do not add new ones of these kinds. You may add new test files.',
          ].join('\n');
          return done({ ok: false, commit, changedFiles, tests: 'skipped', summary: `tampered with ${files.join(', ')}`, failure: { ...failure('tamper', `changed protected file(s): ${files.join(', ')}`, evidence), files } });
        }
        if (r.testCommand === null) {
          return done({ ok: true, commit, changedFiles, tests: 'none', summary: 'no test command found; protected files checked' });
        }
        const run = await testTree(r.repoPath, commit, r.workdir, r, scope, tree);
        if (run.status === 'passed') return done({ ok: true, commit, changedFiles, tests: 'passed', summary: `tests passed (${r.testCommand})` });
        if (run.status === 'timed-out' || run.status === 'error') {
          const what = run.status === 'timed-out' ? `tests timed out after ${Math.round(r.testTimeoutMs / 1000)}s` : 'the test command could not run';
          return done({ ok: false, commit, changedFiles, tests: 'failed', summary: what, failure: failure('tests', what, run.evidence) });
        }
        const baseline = r.baselineWorkdir === null ? null : await baselineOf(r, scope);
        if (baseline?.status === 'passed') {
          return done({ ok: false, commit, changedFiles, tests: 'failed', summary: 'tests fail with this change and pass without it', failure: failure('regression', `tests failed: ${names(run.failures)}`, run.evidence) });
        }
        if (baseline?.status === 'failed') {
          const known = new Set(baseline.failures);
          const fresh = run.failures.filter((name) => !known.has(name));
          if (run.failures.length > 0 && fresh.length === 0) {
            return done({ ok: true, commit, changedFiles, tests: 'baseline-red', summary: `the suite was already red on the base (${names(baseline.failures)}); no new failures` });
          }
          return done({ ok: false, commit, changedFiles, tests: 'failed', summary: 'new test failures', failure: failure('tests', `tests failed: ${names(fresh.length > 0 ? fresh : run.failures)} (the base was already red)`, run.evidence) });
        }
        return done({ ok: false, commit, changedFiles, tests: 'failed', summary: 'tests failed', failure: failure('tests', `tests failed: ${names(run.failures)}`, run.evidence) });
      }

      async function baselineOf(r: Verify, scope: Scope): Promise<TestOutcome> {
        return testTree(r.repoPath!, r.baseSha!, r.baselineWorkdir!, r, scope, null, () => ports.checkout(r.baselineWorkdir!, r.baseSha!));
      }

      async function merge(r: Merge, scope: Scope): Promise<MergeResult> {
        const started = Date.now();
        const done = (result: Omit<MergeResult, 'durationMs'>): MergeResult => ({ ...result, durationMs: Date.now() - started });
        if (r.repoPath === null || r.scratchWorkdir === null || r.integrationRef === null || r.taskCommit === null) {
          return done({ ok: true, sha: null, summary: 'dry-run: nothing to merge' });
        }
        for (let round = 0; round < 2; round++) {
          const head = await ports.resolve(r.repoPath, r.integrationRef);
          const merged = await ports.merge({ repo: r.repoPath, scratch: r.scratchWorkdir, baseSha: head, commit: r.taskCommit, message: r.message });
          if (!merged.ok) {
            const evidence = `Merging onto the current integration head conflicted in: ${merged.files.join(', ')}\n${merged.message}\nRebuild the change on top of the current code (which now includes other merged tasks).`;
            return done({ ok: false, sha: null, summary: `merge conflict in ${merged.files.join(', ')}`, failure: { ...failure('conflict', `merge conflict in ${merged.files.join(', ')}`, evidence), files: merged.files } });
          }
          if (r.testCommand !== null) {
            const run = await testTree(r.repoPath, merged.sha, r.scratchWorkdir, r, scope, merged.tree, () => ports.checkout(r.scratchWorkdir!, merged.sha));
            if (run.status !== 'passed') {
              return done({ ok: false, sha: null, summary: 'tests fail after merging onto the integration head', failure: failure('merge-tests', `tests failed after merging with the latest integrated work: ${names(run.failures)}`, run.evidence) });
            }
          }
          if (await ports.advance(r.repoPath, r.integrationRef, merged.sha, head)) {
            return done({ ok: true, sha: merged.sha, summary: `merged onto the integration branch (${merged.sha.slice(0, 7)})` });
          }
        }
        throw new Error(`the integration branch ${r.integrationRef} moved twice during a merge; only the gate may advance it`);
      }

      /** One merge at a time per repository: concurrent merges onto one head would race. */
      function serialized<T>(repo: string, fn: () => Promise<T>): Promise<T> {
        const previous = queues.get(repo) ?? Promise.resolve();
        const next = previous.then(fn, fn);
        queues.set(repo, next.catch(() => undefined));
        return next;
      }

      return {
        async handle(body, ctx): Promise<Result> {
          if (body.type === 'verify') return { tag: 'ok', value: await verify(body, ctx) };
          if (body.type === 'merge') return { tag: 'ok', value: await serialized(body.repoPath ?? '', () => merge(body, ctx)) };
          return { tag: 'fail', code: 'unsupported', message: `gate cannot handle "${body.type}"` };
        },
      };
    },
  });
}

function failure(kind: Failure['kind'], summary: string, evidence: string): Failure {
  return { kind, summary, evidence };
}

function names(failures: readonly string[]): string {
  if (failures.length === 0) return 'see the test output';
  const shown = failures.slice(0, 5).join('; ');
  return failures.length > 5 ? `${shown} and ${failures.length - 5} more` : shown;
}
