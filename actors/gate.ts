/**
 * The gate actor: the only judge of whether work may land. `verify`: capture the attempt's work
 * (committed or not), refuse changes to grader files, run the project's tests on exactly what
 * would land (the committed tree plus setup output, never files an agent left in ignored paths),
 * and apply the regression rule against the base's own run. `merge`: the merge queue — one merge
 * at a time per repository onto the integration head, tests again on the result in the gate's
 * own slot, the same regression rule against the integration head, and the branch advances
 * (compare-and-swap) only if it holds. Runs are cached by what was tested (tree, test command,
 * setup command) and shared while in flight, so a tree is never tested twice.
 */
import * as v from 'valibot';
import type { Failure, GateResult, MergeResult, ProtectedSpec, RequestOf, Result } from '../protocol/index.js';
import { defineActor, type RequestContext } from './runtime.js';

export const GateInputSchema = v.strictObject({ runId: v.string() });

/** Test runs remembered (oldest forgotten first): a run's base is the head it started from, so recent trees are the ones asked again. */
const REMEMBERED_RUNS = 256;

/** One run of the test command; the ports' own type carries what the regression rule reads. */
export interface TestOutcome {
  status: 'passed' | 'failed' | 'timed-out' | 'error';
  evidence: string;
  durationMs: number;
}

/** The regression rule's answer for a change's run against its base's. */
export interface Verdict {
  ok: boolean;
  /** One line naming what broke (or what already failed on the base). */
  summary: string;
  /** Tests that passed on the base and do not now. */
  broken: string[];
  /** Tests that fail as they did on the base (reported, not blocking). */
  preExisting: string[];
  /** For a repair prompt: the verdict in words, the failing tests with their messages, the output's last lines. */
  evidence: string;
}

/** A slot made ready to test, or why it could not be (setup failed on the change's lockfile). */
export type Prepared = { ok: true } | { ok: false; summary: string; evidence: string };

export interface GatePorts<O extends TestOutcome = TestOutcome> {
  /** `tree` (of the commit) lets the gate skip a lookup when it checks its test-result cache. */
  capture(workdir: string, baseSha: string, message: string): Promise<{ commit: string | null; changedFiles: string[]; tree: string | null }>;
  tamper(repo: string, baseSha: string, commit: string, spec: ProtectedSpec): Promise<{ ok: boolean; violations: { file: string; reason: string }[] }>;
  tree(repo: string, commit: string): Promise<string>;
  /**
   * Puts a slot of loop's own into the state to test `commit`: checked out first when `checkout`
   * (the gate's own slots; an agent's slot already holds it after capture), setup run again if the
   * lockfiles changed, every ignored file setup did not produce removed.
   */
  prepare(options: { workdir: string; commit: string; checkout: boolean; setupCommand: string | null }): Promise<Prepared>;
  /** `onStart`/`onExit` report the suite's process group so the gate adopts it (it dies with the gate). */
  runTests(options: { cwd: string; command: string; timeoutMs: number; logFile: string; signal: AbortSignal; onStart: (pid: number) => void; onExit: (pid: number) => void }): Promise<O>;
  /** The regression rule: the change's run against its base's (null when the base could not be run). */
  judge(change: O, base: O | null): Verdict;
  /** The merge commit onto `baseSha`; the scratch slot may be left anywhere (the gate prepares it before testing). */
  merge(options: { repo: string; scratch: string; baseSha: string; commit: string; message: string }): Promise<{ ok: true; sha: string; tree: string } | { ok: false; files: string[]; message: string }>;
  resolve(repo: string, ref: string): Promise<string>;
  advance(repo: string, ref: string, newSha: string, oldSha: string): Promise<boolean>;
}

type Verify = RequestOf<'verify'>;
type Merge = RequestOf<'merge'>;
/** What a request's work needs from its context: cancellation, and adopting the test suite's process group. */
type Scope = Pick<RequestContext, 'signal' | 'adoptGroup' | 'releaseGroup'>;
/** A tree to test and where; `checkout`: the slot is one of the gate's own and gets `commit` checked out first. */
interface Target {
  repo: string;
  commit: string;
  tree: string | null;
  workdir: string;
  checkout: boolean;
}

export function createGateActor<O extends TestOutcome>(ports: GatePorts<O>) {
  type Tested = { kind: 'run'; run: O } | { kind: 'setup-failed'; summary: string; evidence: string };
  return defineActor({
    input: GateInputSchema,
    start() {
      /** Finished and in-flight runs by what was tested; a run that did not finish (timeout, error) is forgotten. */
      const runs = new Map<string, Promise<Tested>>();
      /** A commit's tree never changes: one lookup each (the merge queue records the ones it makes). */
      const trees = new Map<string, string>();
      const treeOf = async (repo: string, commit: string): Promise<string> => {
        const known = trees.get(commit);
        if (known) return known;
        const tree = await ports.tree(repo, commit);
        trees.set(commit, tree);
        return tree;
      };
      const slotQueues = new Map<string, Promise<unknown>>();
      const mergeQueues = new Map<string, Promise<unknown>>();

      async function testTree(target: Target, request: Verify | Merge, scope: Scope): Promise<Tested> {
        const tree = target.tree ?? (await treeOf(target.repo, target.commit));
        const key = `${tree}\0${request.testCommand}\0${request.setupCommand ?? ''}`;
        const known = runs.get(key);
        if (known) return known;
        const running = serialized(slotQueues, target.workdir, async (): Promise<Tested> => {
          const prepared = await ports.prepare({ workdir: target.workdir, commit: target.commit, checkout: target.checkout, setupCommand: request.setupCommand });
          if (!prepared.ok) return { kind: 'setup-failed', summary: prepared.summary, evidence: prepared.evidence };
          const run = await ports.runTests({
            cwd: target.workdir, command: request.testCommand!, timeoutMs: request.testTimeoutMs, logFile: request.logFile, signal: scope.signal,
            onStart: (pid) => scope.adoptGroup(pid), onExit: (pid) => scope.releaseGroup(pid),
          });
          return { kind: 'run', run };
        });
        runs.set(key, running);
        if (runs.size > REMEMBERED_RUNS) runs.delete(runs.keys().next().value!);
        const settled = await running.catch((error: unknown) => {
          runs.delete(key);
          throw error;
        });
        if (settled.kind !== 'run' || (settled.run.status !== 'passed' && settled.run.status !== 'failed')) runs.delete(key);
        return settled;
      }

      /** The base's run for the regression rule; null when there is no slot to run it in. */
      async function baseRun(repo: string, sha: string, workdir: string | null, request: Verify | Merge, scope: Scope): Promise<O | null> {
        if (workdir === null) return null;
        const tested = await testTree({ repo, commit: sha, tree: null, workdir, checkout: true }, request, scope);
        return tested.kind === 'run' ? tested.run : null;
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
            'The change touched files that grade the work, which is not allowed:',
            ...tamper.violations.map((x) => `- ${x.file}: ${x.reason}`),
            'Leave existing tests, test-runner and package-manager configuration (.npmrc, .yarnrc*, bunfig.toml, …), CI workflows, package.json scripts and loop files exactly as they are, and do not add new ones of these kinds. You may add new test files.',
          ].join('\n');
          return done({ ok: false, commit, changedFiles, tests: 'skipped', summary: `tampered with ${files.join(', ')}`, failure: { ...failure('tamper', `changed protected file(s): ${files.join(', ')}`, evidence), files } });
        }
        if (r.testCommand === null) {
          return done({ ok: true, commit, changedFiles, tests: 'none', summary: 'no test command found; protected files checked' });
        }
        // the agent's slot, as it would land: committed tree plus setup output
        const tested = await testTree({ repo: r.repoPath, commit, tree, workdir: r.workdir, checkout: false }, r, scope);
        if (tested.kind === 'setup-failed') {
          return done({ ok: false, commit, changedFiles, tests: 'failed', summary: tested.summary, failure: failure('setup', tested.summary, tested.evidence) });
        }
        const { run } = tested;
        const base = run.status === 'passed' || run.status === 'failed' ? await baseRun(r.repoPath, r.baseSha, r.baselineWorkdir, r, scope) : null;
        const judged = ports.judge(run, base);
        if (judged.ok) return done({ ok: true, commit, changedFiles, tests: judged.preExisting.length > 0 ? 'baseline-red' : 'passed', summary: `\`${r.testCommand}\`: ${judged.summary}` });
        const summary = `tests failed: ${judged.summary}`;
        return done({ ok: false, commit, changedFiles, tests: 'failed', summary, failure: failure(judged.broken.length > 0 ? 'regression' : 'tests', summary, judged.evidence) });
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
          trees.set(merged.sha, merged.tree);
          if (r.testCommand !== null) {
            const tested = await testTree({ repo: r.repoPath, commit: merged.sha, tree: merged.tree, workdir: r.scratchWorkdir, checkout: true }, r, scope);
            if (tested.kind === 'setup-failed') {
              return done({ ok: false, sha: null, summary: tested.summary, failure: failure('merge-tests', `after merging with the latest integrated work, ${tested.summary}`, tested.evidence) });
            }
            // the same rule as the gate, against the integration head: a red legacy test does not block, a broken one does
            const base = tested.run.status === 'passed' || tested.run.status === 'failed' ? await baseRun(r.repoPath, head, r.scratchWorkdir, r, scope) : null;
            const judged = ports.judge(tested.run, base);
            if (!judged.ok) {
              const summary = `tests failed after merging with the latest integrated work: ${judged.summary}`;
              return done({ ok: false, sha: null, summary, failure: failure('merge-tests', summary, judged.evidence) });
            }
          }
          if (await ports.advance(r.repoPath, r.integrationRef, merged.sha, head)) {
            return done({ ok: true, sha: merged.sha, summary: `merged onto the integration branch (${merged.sha.slice(0, 7)})` });
          }
        }
        throw new Error(`the integration branch ${r.integrationRef} moved twice during a merge; only the gate may advance it`);
      }

      return {
        async handle(body, ctx): Promise<Result> {
          if (body.type === 'verify') return { tag: 'ok', value: await verify(body, ctx) };
          // one merge at a time per repository: concurrent merges onto one head would race
          if (body.type === 'merge') return { tag: 'ok', value: await serialized(mergeQueues, body.repoPath ?? '', () => merge(body, ctx)) };
          return { tag: 'fail', code: 'unsupported', message: `gate cannot handle "${body.type}"` };
        },
      };
    },
  });
}

/** Runs `fn` after everything queued under `key` (one test run per slot, one merge per repository). */
function serialized<T>(queues: Map<string, Promise<unknown>>, key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  queues.set(key, next.catch(() => undefined));
  return next;
}

function failure(kind: Failure['kind'], summary: string, evidence: string): Failure {
  return { kind, summary, evidence };
}
