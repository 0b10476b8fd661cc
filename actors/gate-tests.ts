/**
 * The gate's suite runs, cached by what was tested: the tree, the test command and the setup
 * command. A tree is never tested twice (parallel requests share the run in flight), and a tree the
 * cache has not seen is always run: the key is the tree itself, never a commit, a branch or a task.
 * Runs that timed out or could not start are not kept. One run at a time per slot.
 */
import { availableParallelism } from 'node:os';
import type { RequestContext } from './runtime.js';

/** Suites this machine runs side by side without slowing each other: one per two cores (a suite uses more than one itself). */
export const suitesSideBySide = (): number => Math.max(1, Math.floor(availableParallelism() / 2));

/** One run of the test command; the ports' own type carries what the regression rule reads. */
export interface TestOutcome {
  status: 'passed' | 'failed' | 'timed-out' | 'error';
  evidence: string;
  durationMs: number;
}

/** A slot made ready to test, or why it could not be (setup failed on the change's lockfile). */
export type Prepared = { ok: true } | { ok: false; summary: string; evidence: string };

export interface TestPorts<O extends TestOutcome> {
  tree(repo: string, commit: string): Promise<string>;
  /**
   * Puts a slot of loop's own into the state to test `commit`: checked out first when `checkout`
   * (the gate's own slots; an agent's slot already holds it after capture), setup run again if the
   * lockfiles changed, every ignored file setup did not produce removed.
   */
  prepare(options: { workdir: string; commit: string; checkout: boolean; setupCommand: string | null }): Promise<Prepared>;
  /** `onStart`/`onExit` report the suite's process group so the gate adopts it (it dies with the gate). */
  runTests(options: { cwd: string; command: string; timeoutMs: number; logFile: string; signal: AbortSignal; onStart: (pid: number) => void; onExit: (pid: number) => void }): Promise<O>;
}

/** What a request's work needs from its context: cancellation, and adopting the test suite's process group. */
export type Scope = Pick<RequestContext, 'signal' | 'adoptGroup' | 'releaseGroup'>;

export interface Suite {
  testCommand: string;
  setupCommand: string | null;
  testTimeoutMs: number;
}

/** A commit to test and where: an agent's slot as it is, or one of the gate's own slots (checked out first). */
export type Place = { slot: string } | { gateSlots: readonly string[] };

/** A finished run, or why the slot could not be made ready for one. */
export type Settled<O> = { kind: 'run'; run: O } | { kind: 'setup-failed'; summary: string; evidence: string };
/** `started`: this call started the run (it was neither cached nor in flight). */
export type Tested<O> = Settled<O> & { started: boolean };

/** Test runs remembered (oldest forgotten first): a run's base is the head it started from, so recent trees are the ones asked again. */
const REMEMBERED_RUNS = 1024;
const REMEMBERED_TREES = 4096;

/** Suite runs a repository's estimate is the median of (the latest). */
const TIMED_RUNS = 5;

export function createTester<O extends TestOutcome>(ports: TestPorts<O>, now: () => number = Date.now) {
  const runs = new Map<string, Promise<Settled<O>>>();
  /** Per repository: how long its latest finished runs took (slot made ready and suite run), and when the ones in flight started. */
  const timed = new Map<string, number[]>();
  const inFlight = new Map<string, Set<{ started: number }>>();
  const trees = new Map<string, string>();
  const slotQueues = new Map<string, Promise<unknown>>();
  /** Runs queued or running per gate slot, to spread work over them. */
  const load = new Map<string, number>();

  const rememberTree = (commit: string, tree: string): void => {
    trees.set(commit, tree);
    if (trees.size > REMEMBERED_TREES) trees.delete(trees.keys().next().value!);
  };

  /** A commit's tree never changes: one lookup each. */
  async function treeOf(repo: string, commit: string): Promise<string> {
    const known = trees.get(commit);
    if (known) return known;
    const tree = await ports.tree(repo, commit);
    rememberTree(commit, tree);
    return tree;
  }

  const keyOf = (tree: string, suite: Suite): string => `${tree}\0${suite.testCommand}\0${suite.setupCommand ?? ''}`;

  function leastBusy(slots: readonly string[]): string {
    if (slots.length === 0) throw new Error('the gate was given no slot to run the suite in');
    return slots.reduce((best, slot) => ((load.get(slot) ?? 0) < (load.get(best) ?? 0) ? slot : best));
  }

  async function test(repo: string, commit: string, place: Place, suite: Suite, logFile: string, scope: Scope): Promise<Tested<O>> {
    const tree = await treeOf(repo, commit);
    const key = keyOf(tree, suite);
    const known = runs.get(key);
    if (known) return { ...(await known), started: false };
    const workdir = 'slot' in place ? place.slot : leastBusy(place.gateSlots);
    const checkout = !('slot' in place);
    load.set(workdir, (load.get(workdir) ?? 0) + 1);
    const running = serialized(slotQueues, workdir, async (): Promise<Settled<O>> => {
      const started = now();
      // by identity: two runs of a repository may start in the same millisecond
      const flight = { started };
      const flying = inFlight.get(repo) ?? new Set<{ started: number }>();
      inFlight.set(repo, flying.add(flight));
      try {
        const prepared = await ports.prepare({ workdir, commit, checkout, setupCommand: suite.setupCommand });
        if (!prepared.ok) return { kind: 'setup-failed', summary: prepared.summary, evidence: prepared.evidence };
        const run = await ports.runTests({
          cwd: workdir, command: suite.testCommand, timeoutMs: suite.testTimeoutMs, logFile, signal: scope.signal,
          onStart: (pid) => scope.adoptGroup(pid), onExit: (pid) => scope.releaseGroup(pid),
        });
        if (run.status === 'passed' || run.status === 'failed') timed.set(repo, [...(timed.get(repo) ?? []), now() - started].slice(-TIMED_RUNS));
        return { kind: 'run', run };
      } finally {
        flying.delete(flight);
      }
    }).finally(() => load.set(workdir, (load.get(workdir) ?? 1) - 1));
    runs.set(key, running);
    if (runs.size > REMEMBERED_RUNS) runs.delete(runs.keys().next().value!);
    const settled = await running.catch((error: unknown) => {
      runs.delete(key);
      throw error;
    });
    const finished = settled.kind === 'run' && (settled.run.status === 'passed' || settled.run.status === 'failed');
    if (!finished && runs.get(key) === running) runs.delete(key);
    return { ...settled, started: true };
  }

  /** Suite runs queued or running now, in any slot. */
  const busy = (): number => [...load.values()].reduce((sum, n) => sum + n, 0);

  /**
   * How long a suite run of this repository takes: the median of its latest finished runs; before
   * any finished, as long as the oldest one in flight has run so far (the first train's base run:
   * the train cannot finish before it anyway). Null before any run started.
   */
  const suiteEstimateMs = (repo: string): number | null => {
    const durations = [...(timed.get(repo) ?? [])].sort((a, b) => a - b);
    if (durations.length > 0) return durations[Math.floor((durations.length - 1) / 2)]!;
    const oldest = Math.min(...[...(inFlight.get(repo) ?? [])].map((flight) => flight.started));
    return Number.isFinite(oldest) ? now() - oldest : null;
  };

  return { treeOf, rememberTree, test, busy, suiteEstimateMs };
}

export type Tester<O extends TestOutcome> = ReturnType<typeof createTester<O>>;

/** Runs `fn` after everything queued under `key` (one test run per slot, one train per repository). */
export function serialized<T>(queues: Map<string, Promise<unknown>>, key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  queues.set(key, next.catch(() => undefined));
  return next;
}
