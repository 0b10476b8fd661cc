/**
 * The gate actor: the only judge of whether work may land.
 *
 * `capture`: commit the attempt's work (committed or not), refuse changes to grader files (always,
 * per change), and say where the change's tests run: in its own slot before it is reviewed, or
 * only in its merge train (`preMergeTests`; `auto` skips the slot's run when the change will be in
 * the next train anyway, which tests it as soon as it is accepted, or when the machine's suites are
 * already running: train-plan.ts `testsInSlot`).
 * `verify`: the tests on exactly what would land (the committed tree plus setup output, never files
 * an agent left in ignored paths), judged by the regression rule against the base's own run.
 * `merge`: the repository's merge queue, run as trains (merge-queue.ts).
 * `prime`: the integration head's suite run ahead of the first train (its base), while agents work.
 * Suite runs are cached by tree and shared while in flight (gate-tests.ts).
 */
import * as v from 'valibot';
import type { CaptureResult, Failure, GateResult, ProtectedSpec, RequestOf, Result } from '../protocol/index.js';
import { createTester, suitesSideBySide, type Scope, type TestOutcome, type TestPorts } from './gate-tests.js';
import { MergeQueue, type MergePorts } from './merge-queue.js';
import { testsInSlot } from './train-plan.js';
import { defineActor } from './runtime.js';

export type { Prepared, TestOutcome } from './gate-tests.js';
export type { Verdict } from './merge-queue.js';

export const GateInputSchema = v.strictObject({ runId: v.string() });

export interface GatePorts<O extends TestOutcome = TestOutcome> extends TestPorts<O>, MergePorts<O> {
  /** `tree` (of the commit) lets the gate skip a lookup when it checks its test-result cache. */
  capture(workdir: string, baseSha: string, message: string): Promise<{ commit: string | null; changedFiles: string[]; tree: string | null; reviewDiff?: string }>;
  tamper(repo: string, baseSha: string, commit: string, spec: ProtectedSpec): Promise<{ ok: boolean; violations: { file: string; reason: string }[] }>;
}

type Capture = RequestOf<'capture'>;
type Verify = RequestOf<'verify'>;

export function createGateActor<O extends TestOutcome>(ports: GatePorts<O>) {
  return defineActor({
    input: GateInputSchema,
    start(_input, actor) {
      const tester = createTester(ports);
      const queues = new Map<string, MergeQueue<O>>();
      const queueOf = (repo: string): MergeQueue<O> => {
        let queue = queues.get(repo);
        if (!queue) queues.set(repo, (queue = new MergeQueue(ports, tester, (draft) => actor.emit(draft))));
        return queue;
      };

      async function capture(r: Capture): Promise<CaptureResult> {
        const started = Date.now();
        const done = (result: Omit<CaptureResult, 'durationMs'>): CaptureResult => ({ ...result, durationMs: Date.now() - started });
        const refused = { commit: null, tree: null, changedFiles: [] as string[], tests: 'none' as const };
        if (r.workdir === null || r.repoPath === null || r.baseSha === null) {
          return done({ ok: true, ...refused, summary: 'dry-run: nothing to capture' });
        }
        let captured: Awaited<ReturnType<GatePorts['capture']>>;
        try {
          captured = await ports.capture(r.workdir, r.baseSha, r.commitMessage);
        } catch (error) {
          // Git refusing to read the slot is the agent's doing (a deleted .git, a wrecked index): data, not a gate crash.
          const message = error instanceof Error ? error.message : String(error);
          return done({ ok: false, ...refused, summary: 'the worktree was left unusable', failure: failure('agent-error', 'the agent left its worktree unusable for git', `git could not read the worktree after the attempt: ${message}\nDo not touch the .git file or run git commands that rewrite the repository; just change the files.`) });
        }
        const { commit, changedFiles, tree } = captured;
        if (commit === null || tree === null) {
          return done({ ok: false, ...refused, changedFiles, summary: 'no changes', failure: failure('no-changes', 'the agent finished without changing any file', 'The previous attempt made no change to the repository. Make the change the task asks for.') });
        }
        tester.rememberTree(commit, tree);
        const tamper = await ports.tamper(r.repoPath, r.baseSha, commit, r.protected);
        if (!tamper.ok) {
          const files = [...new Set(tamper.violations.map((x) => x.file))];
          const evidence = [
            'The change touched files that grade the work, which is not allowed:',
            ...tamper.violations.map((x) => `- ${x.file}: ${x.reason}`),
            'Leave existing tests, test-runner and package-manager configuration (.npmrc, .yarnrc*, bunfig.toml, …), CI workflows, package.json scripts and loop files exactly as they are, and do not add new ones of these kinds. You may add new test files.',
          ].join('\n');
          return done({ ok: false, commit, tree, changedFiles, tests: 'none', summary: `tampered with ${files.join(', ')}`, failure: { ...failure('tamper', `changed protected file(s): ${files.join(', ')}`, evidence), files } });
        }
        // the critic's diff, read with the capture's: the supervisor need not start git for it
        const review = captured.reviewDiff === undefined ? {} : { reviewDiff: captured.reviewDiff };
        if (r.testCommand === null) return done({ ok: true, commit, tree, changedFiles, tests: 'none', summary: 'no test command found; protected files checked', ...review });
        const inSlot = testsInSlot(r.preMergeTests, { joinsNextTrain: queueOf(r.repoPath).joinsNextTrain(r.maxTrain), suitesRunning: tester.busy(), capacity: TEST_CAPACITY });
        return inSlot
          ? done({ ok: true, commit, tree, changedFiles, tests: 'slot', summary: 'protected files checked; the tests run in its slot', ...review })
          : done({ ok: true, commit, tree, changedFiles, tests: 'train', summary: `protected files checked; the tests run in its merge train (gate.preMergeTests ${r.preMergeTests})`, ...review });
      }

      async function verify(r: Verify, scope: Scope): Promise<GateResult> {
        const started = Date.now();
        const done = (result: Omit<GateResult, 'durationMs'>): GateResult => ({ ...result, durationMs: Date.now() - started });
        // the agent's slot, as it would land: committed tree plus setup output
        const tested = await tester.test(r.repoPath, r.commit, { slot: r.workdir }, r, r.logFile, scope);
        if (tested.kind === 'setup-failed') {
          return done({ ok: false, tests: 'failed', summary: tested.summary, failure: failure('setup', tested.summary, tested.evidence) });
        }
        const { run } = tested;
        let base: O | null = null;
        if ((run.status === 'passed' || run.status === 'failed') && r.gateWorkdirs.length > 0) {
          const baseTested = await tester.test(r.repoPath, r.baseSha, { gateSlots: r.gateWorkdirs }, r, r.logFile.replace(/(\.log)?$/, '.base.log'), scope);
          base = baseTested.kind === 'run' ? baseTested.run : null;
        }
        const judged = ports.judge(run, base);
        if (judged.ok) return done({ ok: true, tests: judged.preExisting.length > 0 ? 'baseline-red' : 'passed', summary: `\`${r.testCommand}\`: ${judged.summary}` });
        const summary = `tests failed: ${judged.summary}`;
        return done({ ok: false, tests: 'failed', summary, failure: failure(judged.broken.length > 0 ? 'regression' : 'tests', summary, judged.evidence) });
      }

      return {
        async handle(body, ctx): Promise<Result> {
          switch (body.type) {
            case 'capture':
              return { tag: 'ok', value: await capture(body) };
            case 'verify':
              return { tag: 'ok', value: await verify(body, ctx) };
            case 'prime': {
              // the request carries the suite's fields (protocol SuiteRun)
              const primed = await tester.test(body.repoPath, body.commit, { gateSlots: body.gateWorkdirs }, body, body.logFile, ctx);
              return { tag: 'ok', value: { started: primed.started, status: primed.kind === 'run' ? primed.run.status : 'setup-failed' } };
            }
            case 'merge': {
              if (body.repoPath === null || body.integrationRef === null || body.taskCommit === null || body.gateWorkdirs.length === 0) {
                return { tag: 'ok', value: { ok: true, sha: null, summary: 'dry-run: nothing to merge', durationMs: 0 } };
              }
              const answer = await queueOf(body.repoPath).enqueue(body, ctx);
              return answer.kind === 'merged' ? { tag: 'ok', value: answer.result } : { tag: 'interrupted', reason: answer.reason };
            }
            default:
              return { tag: 'fail', code: 'unsupported', message: `gate cannot handle "${body.type}"` };
          }
        },
      };
    },
  });
}

const TEST_CAPACITY = suitesSideBySide();

function failure(kind: Failure['kind'], summary: string, evidence: string): Failure {
  return { kind, summary, evidence };
}
