/**
 * The gate actor's policy against fake ports (no git, no processes): where it tests what, which runs
 * it shares and caches, how merge trains batch, bisect to a culprit, land the rest and never land a
 * red tree, and where `preMergeTests` puts a change's tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGateActor, type GatePorts } from '../../actors/gate.js';
import type { BoardEventDraft, CaptureResult, GateResult, MergeResult, ProtectedSpec, RequestBody, Result } from '../../protocol/index.js';
import { gateVerdict, type SuiteRun } from '../../src/gate/regression.js';
import type { TestStatus } from '../../src/gate/evidence/index.js';

type Outcome = SuiteRun & { evidence: string; durationMs: number };

/** A run that named every test: `p` passed, `f` failed. */
function outcome(tests: Record<string, 'p' | 'f'>, status: Outcome['status'] = Object.values(tests).includes('f') ? 'failed' : 'passed'): Outcome {
  const statuses: Record<string, TestStatus> = {};
  for (const [name, code] of Object.entries(tests)) statuses[name] = code === 'p' ? 'passed' : 'failed';
  return {
    status, exitCode: status === 'passed' ? 0 : status === 'failed' ? 1 : null, summary: 'tests', evidence: `evidence of ${Object.keys(tests).join(',')}`, durationMs: 1,
    report: status === 'passed' || status === 'failed' ? { formats: ['node:test (TAP)'], tests: statuses, namesPasses: true, ran: Object.keys(tests).length } : null,
  };
}

/** The single-letter changes a commit holds: `H` is the head, `A`…`Z` changes, `M(x+Y)` merges. */
const changesIn = (commit: string): string[] => [...commit.replace(/M\(/g, '(').replace(/\bH\b/g, '').matchAll(/[A-Z]/g)].map((m) => m[0]).sort();

interface Fakes {
  ports: GatePorts<Outcome>;
  log: string[];
  /** Every sha the integration branch was moved to, in order. */
  advanced: string[];
  head: () => string;
  /** Holds every train at its first step until `release()`. */
  hold: () => void;
  release: () => void;
}

/**
 * Fake ports over named commits. The suite's outcome of a commit is `suite(changes in it)`; a
 * commit's tree is the set of changes it holds, so a merge onto the head a change was made on has
 * that change's own tree. `conflicts` are pairs of changes that cannot be merged together.
 */
function fakes(suite: (changes: string[]) => Outcome | null, options: { conflicts?: [string, string][]; setupFails?: string; oldGit?: boolean } = {}): Fakes {
  const held = new Map<string, string>();
  const log: string[] = [];
  const advanced: string[] = [];
  let head = 'H';
  let barrier: Promise<void> | null = null;
  let open = (): void => {};
  const conflicts = options.conflicts ?? [];
  const ports: GatePorts<Outcome> = {
    capture: async (workdir) => {
      const commit = workdir.replace(/^slot-/, '').toUpperCase();
      held.set(workdir, commit);
      return { commit, changedFiles: ['math.js'], tree: `tree-${commit}` };
    },
    tamper: async () => ({ ok: true, violations: [] }),
    tree: async (_repo, commit) => `tree-${changesIn(commit).join('') || 'H'}`,
    prepare: async ({ workdir, commit, checkout }) => {
      log.push(`prepare ${workdir} ${commit}${checkout ? ' (checkout)' : ''}`);
      held.set(workdir, commit);
      if (options.setupFails === commit) return { ok: false, summary: 'the setup command `npm ci` failed', evidence: 'npm ERR! lockfile' };
      return { ok: true };
    },
    runTests: async ({ cwd }) => {
      const commit = held.get(cwd)!;
      log.push(`test ${changesIn(commit).join('') || 'H'} in ${cwd}`);
      // a suite takes a while, so parallel requests overlap
      await new Promise((resolve) => setTimeout(resolve, 5));
      const found = suite(changesIn(commit));
      if (!found) throw new Error(`no outcome for ${commit}`);
      return found;
    },
    judge: gateVerdict,
    merge: async ({ baseSha, commit, scratch }) => {
      // a git too old to merge in the object store needs the scratch slot
      if (options.oldGit && scratch === null) return null;
      log.push(`merge ${commit} onto ${baseSha}${scratch === null ? '' : ` in ${scratch}`}`);
      const clash = conflicts.find(([a, b]) => (a === commit && changesIn(baseSha).includes(b)) || (b === commit && changesIn(baseSha).includes(a)));
      if (clash) return { ok: false, files: ['math.js'], message: `CONFLICT (content): Merge conflict in math.js (${clash.join('/')})` };
      const sha = `M(${baseSha}+${commit})`;
      return { ok: true, sha, tree: `tree-${changesIn(sha).join('')}` };
    },
    resolve: async () => {
      if (barrier) await barrier;
      return head;
    },
    advance: async (_repo, _ref, sha, old) => {
      if (old !== head) return false;
      head = sha;
      advanced.push(sha);
      return true;
    },
  };
  return {
    ports, log, advanced, head: () => head,
    hold: () => {
      barrier = new Promise((resolve) => (open = resolve));
    },
    release: () => {
      barrier = null;
      open();
    },
  };
}

const noSpec: ProtectedSpec = { testGlobs: [], lockedGlobs: [] };

function context(emitted: BoardEventDraft[]) {
  const controller = new AbortController();
  return {
    actorId: 'gate', requestId: 'r', signal: controller.signal,
    emit: (draft: BoardEventDraft) => void emitted.push(draft), progress: () => {}, adoptGroup: () => {}, releaseGroup: () => {},
  };
}

const captureRequest = (change: string, preMergeTests: 'always' | 'auto' | 'never', maxTrain = 8): RequestBody => ({
  type: 'capture', runId: 'run', taskId: change.toLowerCase(), attempt: 1, repoPath: '/repo', workdir: `slot-${change.toLowerCase()}`, baseSha: 'H',
  protected: noSpec, commitMessage: 'm', testCommand: 'npm test', preMergeTests, maxTrain,
});
const verifyRequest = (change: string, gateWorkdirs = ['gate-1']): RequestBody => ({
  type: 'verify', runId: 'run', taskId: change.toLowerCase(), attempt: 1, repoPath: '/repo', workdir: `slot-${change.toLowerCase()}`, commit: change, baseSha: 'H', gateWorkdirs,
  testCommand: 'npm test', setupCommand: 'npm ci', testTimeoutMs: 60_000, logFile: '/dev/null',
});
const mergeRequest = (change: string, options: { maxTrain?: number; gateWorkdirs?: string[]; setupCommand?: string; onTheWay?: string[]; arriving?: { taskId: string; inMs: number }[]; trainWait?: 'auto' | number } = {}): RequestBody => ({
  type: 'merge', runId: 'run', taskId: change.toLowerCase(), attempt: 1, repoPath: '/repo', gateWorkdirs: options.gateWorkdirs ?? ['gate-1'],
  integrationRef: 'refs/heads/loop/run/integration', taskCommit: change, testCommand: 'npm test', setupCommand: options.setupCommand ?? 'npm ci',
  testTimeoutMs: 60_000, logFile: '/dev/null', message: `merge ${change}`, repo: 'app', maxTrain: options.maxTrain ?? 8,
  onTheWay: options.onTheWay ?? [], arriving: options.arriving ?? [], trainWait: options.trainWait ?? 'auto',
});

async function start(ports: GatePorts<Outcome>) {
  const emitted: BoardEventDraft[] = [];
  const ctx = context(emitted);
  const handlers = await createGateActor(ports).start({ runId: 'run' }, ctx);
  const value = <T>(result: Result): T => {
    assert.equal(result.tag, 'ok');
    return (result as { value: T }).value;
  };
  return {
    emitted,
    trains: () => emitted.filter((e) => e.type === 'train.finished') as Extract<BoardEventDraft, { type: 'train.finished' }>[],
    capture: async (change: string, mode: 'always' | 'auto' | 'never', maxTrain?: number) => value<CaptureResult>(await handlers.handle(captureRequest(change, mode, maxTrain), ctx)),
    verify: async (change: string, gateWorkdirs?: string[]) => value<GateResult>(await handlers.handle(verifyRequest(change, gateWorkdirs), ctx)),
    merge: async (change: string, options?: Parameters<typeof mergeRequest>[1]) => value<MergeResult>(await handlers.handle(mergeRequest(change, options), ctx)),
  };
}

/** The suite: `adds` always, one test per change that passes unless the change is bad; a bad change breaks `adds`. */
const suiteWith = (bad: readonly string[] = [], legacy = false) => (changes: string[]): Outcome => {
  const tests: Record<string, 'p' | 'f'> = { adds: changes.some((c) => bad.includes(c)) ? 'f' : 'p' };
  if (legacy) tests['legacy'] = 'f';
  for (const change of changes) tests[`feature ${change}`] = 'p';
  return outcome(tests);
};

const tested = (f: Fakes): string[] => f.log.filter((l) => l.startsWith('test ')).map((l) => l.split(' ')[1]!);

test('verify tests the agent\'s slot as it is (no checkout) and its base once in a gate slot, shared by parallel verifies', async () => {
  const f = fakes(suiteWith());
  const gate = await start(f.ports);
  const [a, b] = await Promise.all([gate.verify('A'), gate.verify('B')]);
  assert.equal(a.ok, true, a.summary);
  assert.equal(b.ok, true, b.summary);
  assert.match(a.summary, /^`npm test`: tests passed \(2 tests\)$/);
  assert.deepEqual(f.log.filter((l) => l.startsWith('prepare')).sort(), ['prepare gate-1 H (checkout)', 'prepare slot-a A', 'prepare slot-b B']);
  assert.equal(f.log.filter((l) => l === 'test H in gate-1').length, 1, 'the base ran once for both');
});

test('a verify that breaks a test of the base names it; a legacy failure on the base is reported but does not block', async () => {
  const f = fakes(suiteWith(['A'], true));
  const gate = await start(f.ports);
  const broken = await gate.verify('A');
  assert.equal(broken.ok, false);
  assert.equal(broken.failure?.kind, 'regression');
  assert.equal(broken.failure?.summary, 'tests failed: broke 1 test that passed on the base: adds');
  assert.match(broken.failure!.evidence, /^Verdict: broke 1 test .*\nThese tests passed before the change and must pass after it: adds\.\nAlready failing before the change \(not held against it\): legacy\./);
  const good = await gate.verify('B');
  assert.equal(good.ok, true);
  assert.equal(good.tests, 'baseline-red');
  assert.match(good.summary, /except 1 test already failing on the base, not caused by this change: legacy/);
});

test('a run that timed out is not cached, and a setup that fails on the change is a setup failure', async () => {
  let calls = 0;
  const f = fakes((changes) => (changes.join('') === 'A' && ++calls === 1 ? outcome({}, 'timed-out') : suiteWith()(changes)), { setupFails: 'B' });
  const gate = await start(f.ports);
  assert.equal((await gate.verify('A')).ok, false);
  assert.equal((await gate.verify('A')).ok, true, 'tested again after the timeout');
  const setup = await gate.verify('B');
  assert.equal(setup.failure?.kind, 'setup');
  assert.match(setup.failure!.evidence, /npm ERR! lockfile/);
});

test('a train merges the changes waiting together, runs the suite once, and the branch advances past all of them', async () => {
  const f = fakes(suiteWith());
  const gate = await start(f.ports);
  const results = await Promise.all(['A', 'B', 'C', 'D'].map((c) => gate.merge(c)));
  for (const r of results) assert.equal(r.ok, true, r.summary);
  assert.deepEqual(results.map((r) => r.sha), ['M(H+A)', 'M(M(H+A)+B)', 'M(M(M(H+A)+B)+C)', 'M(M(M(M(H+A)+B)+C)+D)'], 'each change has its own merge commit');
  assert.equal(f.head(), 'M(M(M(M(H+A)+B)+C)+D)');
  assert.deepEqual(f.advanced, ['M(M(M(M(H+A)+B)+C)+D)'], 'one compare-and-swap for the whole train');
  assert.deepEqual(tested(f), ['H', 'ABCD'], 'the head (for the regression rule) and the whole train: one run each');
  assert.deepEqual(gate.trains().map((t) => ({ tasks: t.tasks, landed: t.landed, culprits: t.culprits, suiteRuns: t.suiteRuns })), [
    { tasks: ['a', 'b', 'c', 'd'], landed: ['a', 'b', 'c', 'd'], culprits: [], suiteRuns: 2 },
  ]);
});

test('a red train of 8 is bisected to its culprit in log2(8) runs; the changes before it land at once, the ones after it in the next train', async () => {
  const f = fakes(suiteWith(['E']));
  const gate = await start(f.ports);
  const changes = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'I'];
  const results = new Map((await Promise.all(changes.map(async (c) => [c, await gate.merge(c)] as const))));
  const culprit = results.get('E')!;
  assert.equal(culprit.ok, false);
  assert.equal(culprit.failure?.kind, 'merge-tests');
  assert.equal(culprit.summary, 'tests failed after merging with the latest integrated work: broke 1 test that passed on the base: adds');
  assert.match(culprit.failure!.evidence, /These tests passed before the change and must pass after it: adds\./);
  assert.match(culprit.failure!.evidence, /Found by bisecting a merge train of 8 changes: the integration head with the 4 changes merged before this one passed; adding this change made it fail\./);
  for (const c of changes.filter((c) => c !== 'E')) assert.equal(results.get(c)!.ok, true, `${c}: ${results.get(c)!.summary}`);
  // the whole train, then prefixes 4 (green), 6 (red), 5 (red): the culprit is the 5th
  assert.deepEqual(tested(f), ['H', 'ABCDEFGI', 'ABCD', 'ABCDEF', 'ABCDE', 'ABCDFGI']);
  assert.deepEqual(f.advanced.map((sha) => changesIn(sha).join('')), ['ABCD', 'ABCDFGI'], 'only green trees landed');
  assert.ok(!changesIn(f.head()).includes('E'));
  const [first, second] = gate.trains();
  assert.deepEqual({ landed: first!.landed, culprits: first!.culprits, requeued: first!.requeued, suiteRuns: first!.suiteRuns, bisectRuns: first!.bisectRuns }, { landed: ['a', 'b', 'c', 'd'], culprits: ['e'], requeued: ['f', 'g', 'i'], suiteRuns: 5, bisectRuns: 3 });
  assert.deepEqual({ tasks: second!.tasks, landed: second!.landed, suiteRuns: second!.suiteRuns }, { tasks: ['f', 'g', 'i'], landed: ['f', 'g', 'i'], suiteRuns: 1 });
  const extra = first!.suiteRuns + second!.suiteRuns - 2;
  assert.ok(extra <= Math.log2(8) + 1, `${extra} extra runs to find 1 bad change in 8`);
});

test('a train never lands a red tree: two changes that pass alone but break together land the first and refuse the second', async () => {
  const together = (changes: string[]): Outcome => {
    const run = suiteWith()(changes);
    return changes.includes('A') && changes.includes('B') ? outcome({ ...Object.fromEntries(changes.map((c) => [`feature ${c}`, 'p' as const])), adds: 'f' }) : run;
  };
  const f = fakes(together);
  const gate = await start(f.ports);
  const [a, b] = await Promise.all([gate.merge('A'), gate.merge('B')]);
  assert.equal(a.ok, true, a.summary);
  assert.equal(b.ok, false);
  assert.equal(b.failure?.kind, 'merge-tests');
  assert.deepEqual(f.advanced, ['M(H+A)']);
  for (const sha of f.advanced) assert.equal(gateVerdict(together(changesIn(sha)), together([])).ok, true, `${sha} is green`);
});

test('the size of the next train halves after a red one and doubles again while trains pass, within the cap', async () => {
  const f = fakes(suiteWith(['B']));
  const gate = await start(f.ports);
  f.hold();
  const first = ['A', 'B', 'C', 'D'].map((c) => gate.merge(c, { maxTrain: 4 }));
  await new Promise((resolve) => setImmediate(resolve));
  const later = ['E', 'F', 'G', 'I', 'J', 'K'].map((c) => gate.merge(c, { maxTrain: 4 }));
  f.release();
  await Promise.all([...first, ...later]);
  assert.deepEqual(gate.trains().map((t) => t.tasks.length), [4, 2, 4, 2], 'red (4) → 2 → 4 → the last two');
});

test('the test-result cache never skips a tree it has not seen, and never runs a tree twice', async () => {
  const f = fakes(suiteWith());
  const gate = await start(f.ports);
  assert.equal((await gate.verify('A')).ok, true);
  assert.deepEqual(tested(f), ['A', 'H']);
  // A merged alone onto the head it was made on has A's tree: its gate result is the merge result
  assert.equal((await gate.merge('A')).ok, true);
  assert.deepEqual(tested(f), ['A', 'H'], 'no second run of the same tree');
  // a tree it has not seen runs, even for a change it verified before under another name
  assert.equal((await gate.merge('B')).ok, true);
  assert.deepEqual(tested(f), ['A', 'H', 'AB']);
  // the same tree with another setup command is another run
  assert.equal((await gate.merge('C', { setupCommand: 'npm install' })).ok, true);
  assert.deepEqual(tested(f), ['A', 'H', 'AB', 'AB', 'ABC'], 'the head AB is run again under the new setup command, then ABC');
});

test('the probes of a red train run in parallel, one per gate slot', async () => {
  const f = fakes(suiteWith(['F']));
  const gate = await start(f.ports);
  const slots = ['gate-1', 'gate-2', 'gate-3'];
  const results = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'I'].map((c) => gate.merge(c, { gateWorkdirs: slots })));
  assert.equal(results.filter((r) => !r.ok).length, 1);
  const [first] = gate.trains();
  assert.deepEqual(first!.culprits, ['f']);
  // 8 in the train: probes 2, 4, 6 at once, then 5 alone
  const probes = f.log.filter((l) => l.startsWith('test ')).slice(2, 5);
  assert.deepEqual(probes.map((l) => l.split(' ')[1]).sort(), ['AB', 'ABCD', 'ABCDEF']);
  assert.equal(new Set(probes.map((l) => l.split(' in ')[1])).size, 3, 'three slots in use at once');
  assert.equal(first!.suiteRuns, 1 + 1 + 3 + 1);
  assert.equal(first!.bisectRuns, 3 + 1);
});

test('a change that conflicts with the head is refused; one that conflicts only with a change ahead of it in its train waits for the next', async () => {
  const f = fakes(suiteWith(['A']), { conflicts: [['A', 'B']] });
  const gate = await start(f.ports);
  const [a, b] = await Promise.all([gate.merge('A'), gate.merge('B')]);
  assert.equal(a.ok, false, 'A is the culprit of its train');
  assert.equal(b.ok, true, `B merged in the next train without A: ${b.summary}`);
  assert.deepEqual(gate.trains().map((t) => ({ tasks: t.tasks, requeued: t.requeued, landed: t.landed })), [
    { tasks: ['a', 'b'], requeued: ['b'], landed: [] },
    { tasks: ['b'], requeued: [], landed: ['b'] },
  ]);
  const g = fakes(suiteWith(), { conflicts: [['C', 'A']] });
  const gate2 = await start(g.ports);
  await gate2.merge('A');
  const c = await gate2.merge('C');
  assert.equal(c.ok, false);
  assert.equal(c.failure?.kind, 'conflict');
  assert.deepEqual(c.failure?.files, ['math.js']);
});

test('preMergeTests: always tests in the slot, never leaves it to the train, auto skips the slot when the change will be in the next train', async () => {
  const f = fakes(suiteWith());
  const gate = await start(f.ports);
  assert.equal((await gate.capture('A', 'always')).tests, 'slot');
  assert.equal((await gate.capture('A', 'never')).tests, 'train');
  assert.equal((await gate.capture('A', 'auto', 2)).tests, 'train', 'an idle queue tests it at once');
  f.hold();
  const merges = [gate.merge('B', { maxTrain: 2 })];
  await new Promise((resolve) => setImmediate(resolve));
  merges.push(...['C', 'D'].map((c) => gate.merge(c, { maxTrain: 2 })));
  // B's train is under way; C and D wait and fill the next train of 2
  const busy = await gate.capture('E', 'auto', 2);
  assert.equal(busy.tests, 'slot');
  assert.match(busy.summary, /the tests run in its slot/);
  f.release();
  await Promise.all(merges);
  assert.equal((await gate.capture('E', 'auto', 2)).tests, 'train');
});

test('a train that could leave waits for a change on its way and takes it along; one that never comes is waited for no longer than trainWait', { timeout: 20_000 }, async () => {
  const f = fakes(suiteWith());
  const gate = await start(f.ports);
  const a = gate.merge('A', { onTheWay: ['b'], trainWait: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(gate.trains(), [], 'A waits: B is on its way and the train has room');
  const b = gate.merge('B', { onTheWay: [], trainWait: 60_000 });
  assert.equal((await a).ok, true);
  assert.equal((await b).ok, true);
  assert.deepEqual(gate.trains().map((t) => t.tasks), [['a', 'b']], 'one train for both');

  const started = Date.now();
  assert.equal((await gate.merge('C', { onTheWay: ['d'], trainWait: 50 })).ok, true);
  assert.ok(Date.now() - started >= 45, 'C waited for D until trainWait ran out');
  assert.deepEqual(gate.trains().map((t) => t.tasks).at(-1), ['c'], 'then left without it');
});

test('a train does not wait for a change the queue was already handed, nor when trainWait is 0, nor when its train is full', { timeout: 20_000 }, async () => {
  const f = fakes(suiteWith());
  const gate = await start(f.ports);
  assert.equal((await gate.merge('A')).ok, true);
  // B's view was taken before A's answer reached the board: A still looks on its way
  assert.equal((await gate.merge('B', { onTheWay: ['a'], trainWait: 600_000 })).ok, true);
  assert.equal((await gate.merge('C', { onTheWay: ['x'], trainWait: 0 })).ok, true);
  assert.equal((await gate.merge('D', { onTheWay: ['y'], trainWait: 600_000, maxTrain: 1 })).ok, true);
  assert.deepEqual(gate.trains().map((t) => t.tasks), [['a'], ['b'], ['c'], ['d']]);
});

test('while a train waits, the changes already waiting are merged ahead in the object store, each merge computed once', { timeout: 20_000 }, async () => {
  const f = fakes(suiteWith());
  const gate = await start(f.ports);
  const a = gate.merge('A', { onTheWay: ['b'], trainWait: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(f.log.filter((l) => l.startsWith('merge ')), ['merge A onto H'], 'A was merged while the train waited, without the scratch slot');
  const b = gate.merge('B');
  assert.equal((await a).ok, true);
  assert.equal((await b).ok, true);
  assert.deepEqual(f.log.filter((l) => l.startsWith('merge ')), ['merge A onto H', 'merge B onto M(H+A)'], 'the train used the merge made ahead');
  assert.equal(f.head(), 'M(M(H+A)+B)');
});

test('with a git that cannot merge in the object store, nothing is merged ahead and the train merges in its scratch slot', { timeout: 20_000 }, async () => {
  const f = fakes(suiteWith(), { oldGit: true });
  const gate = await start(f.ports);
  const a = gate.merge('A', { onTheWay: ['b'], trainWait: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(f.log.filter((l) => l.startsWith('merge ')), []);
  const b = gate.merge('B');
  assert.equal((await a).ok, true);
  assert.equal((await b).ok, true);
  assert.deepEqual(f.log.filter((l) => l.startsWith('merge ')), ['merge A onto H in gate-1', 'merge B onto M(H+A) in gate-1']);
});

test('an agent still at work is waited for only if it should finish within what is left of the wait', { timeout: 20_000 }, async () => {
  const f = fakes(suiteWith());
  const gate = await start(f.ports);
  const a = gate.merge('A', { arriving: [{ taskId: 'b', inMs: 10 }], trainWait: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(gate.trains(), [], 'B should finish in 10 ms: A waits');
  const b = gate.merge('B');
  await Promise.all([a, b]);
  assert.deepEqual(gate.trains().map((t) => t.tasks), [['a', 'b']]);
  // D's agent should take an hour: C does not wait a minute for it
  assert.equal((await gate.merge('C', { arriving: [{ taskId: 'd', inMs: 3_600_000 }], trainWait: 60_000 })).ok, true);
  assert.deepEqual(gate.trains().map((t) => t.tasks).at(-1), ['c']);
});
