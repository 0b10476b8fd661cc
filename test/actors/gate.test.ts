/**
 * The gate actor's policy against fake ports (no git, no processes): what it tests where, which
 * runs it shares and caches, and how the merge queue applies the same rule as verify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGateActor, type GatePorts } from '../../actors/gate.js';
import type { GateResult, MergeResult, ProtectedSpec, RequestBody } from '../../protocol/index.js';
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

/** Fake ports: each commit has a suite outcome; slots remember which commit they hold. */
function fakes(outcomes: Record<string, Outcome | (() => Outcome)>, options: { setupFails?: string } = {}) {
  const held = new Map<string, string>();
  const log: string[] = [];
  let head = 'H';
  const ports: GatePorts<Outcome> = {
    capture: async (workdir) => {
      held.set(workdir, workdir === 'slot-a' ? 'A' : 'B');
      return { commit: held.get(workdir)!, changedFiles: ['math.js'], tree: `tree-${held.get(workdir)}` };
    },
    tamper: async () => ({ ok: true, violations: [] }),
    tree: async (_repo, commit) => `tree-${commit}`,
    prepare: async ({ workdir, commit, checkout }) => {
      log.push(`prepare ${workdir} ${commit}${checkout ? ' (checkout)' : ''}`);
      if (checkout) held.set(workdir, commit);
      if (options.setupFails === commit) return { ok: false, summary: 'the setup command `npm ci` failed', evidence: 'npm ERR! lockfile' };
      return { ok: true };
    },
    runTests: async ({ cwd }) => {
      const commit = held.get(cwd)!;
      log.push(`test ${commit} in ${cwd}`);
      // a suite takes a while, so parallel requests overlap
      await new Promise((resolve) => setTimeout(resolve, 10));
      const found = outcomes[commit];
      if (!found) throw new Error(`no outcome for ${commit}`);
      return typeof found === 'function' ? found() : found;
    },
    judge: gateVerdict,
    merge: async ({ baseSha, commit }) => ({ ok: true, sha: `M(${baseSha}+${commit})`, tree: `tree-M(${baseSha}+${commit})` }),
    resolve: async () => head,
    advance: async (_repo, _ref, sha, old) => {
      if (old !== head) return false;
      head = sha;
      return true;
    },
  };
  return { ports, log, head: () => head };
}

const noSpec: ProtectedSpec = { testGlobs: [], lockedGlobs: [] };
const controller = new AbortController();
const ctx = {
  actorId: 'gate', requestId: 'r', signal: controller.signal,
  emit: () => {}, progress: () => {}, adoptGroup: () => {}, releaseGroup: () => {},
};

const verifyRequest = (workdir: string): RequestBody => ({
  type: 'verify', runId: 'run', taskId: workdir === 'slot-a' ? 'a' : 'b', attempt: 1, repoPath: '/repo', workdir, baseSha: 'H', baselineWorkdir: 'baseline',
  testCommand: 'npm test', setupCommand: 'npm ci', testTimeoutMs: 60_000, protected: noSpec, logFile: '/dev/null', commitMessage: 'm',
});
const mergeRequest = (taskCommit: string): RequestBody => ({
  type: 'merge', runId: 'run', taskId: 't', attempt: 1, repoPath: '/repo', scratchWorkdir: 'scratch', integrationRef: 'refs/heads/loop/run/integration',
  taskCommit, testCommand: 'npm test', setupCommand: 'npm ci', testTimeoutMs: 60_000, logFile: '/dev/null', message: 'merge',
});

async function start(ports: GatePorts<Outcome>) {
  const handlers = await createGateActor(ports).start({ runId: 'run' }, ctx);
  return {
    verify: async (workdir: string) => ((await handlers.handle(verifyRequest(workdir), ctx)) as { value: GateResult }).value,
    merge: async (commit: string) => ((await handlers.handle(mergeRequest(commit), ctx)) as { value: MergeResult }).value,
  };
}

test('verify tests the agent\'s slot as it is (no checkout) and its base once in the baseline slot, shared by parallel verifies', async () => {
  const green = outcome({ adds: 'p', negatives: 'p' });
  const f = fakes({ H: green, A: outcome({ adds: 'p', negatives: 'p', subtract: 'p' }), B: outcome({ adds: 'p', negatives: 'p', multiply: 'p' }) });
  const gate = await start(f.ports);
  const [a, b] = await Promise.all([gate.verify('slot-a'), gate.verify('slot-b')]);
  assert.equal(a.ok, true, a.summary);
  assert.equal(b.ok, true, b.summary);
  assert.match(a.summary, /^`npm test`: tests passed \(3 tests\)$/);
  assert.deepEqual(f.log.filter((l) => l.startsWith('prepare')).sort(), ['prepare baseline H (checkout)', 'prepare slot-a A', 'prepare slot-b B']);
  assert.equal(f.log.filter((l) => l === 'test H in baseline').length, 1, 'the base ran once for both');
});

test('a verify that breaks a test of the base names it; a legacy failure on the base is reported but does not block', async () => {
  const f = fakes({ H: outcome({ adds: 'p', legacy: 'f' }), A: outcome({ adds: 'f', legacy: 'f' }), B: outcome({ adds: 'p', legacy: 'f', multiply: 'p' }) });
  const gate = await start(f.ports);
  const broken = await gate.verify('slot-a');
  assert.equal(broken.ok, false);
  assert.equal(broken.failure?.kind, 'regression');
  assert.equal(broken.failure?.summary, 'tests failed: broke 1 test that passed on the base: adds');
  assert.match(broken.failure!.evidence, /^Verdict: broke 1 test .*\nThese tests passed before the change and must pass after it: adds\.\nAlready failing before the change \(not held against it\): legacy\./);
  const good = await gate.verify('slot-b');
  assert.equal(good.ok, true);
  assert.equal(good.tests, 'baseline-red');
  assert.match(good.summary, /except 1 test already failing on the base, not caused by this change: legacy/);
});

test('the merge queue applies the same rule against the integration head: a legacy failure merges, a broken test does not', async () => {
  const f = fakes({
    H: outcome({ adds: 'p', legacy: 'f' }),
    'M(H+A)': outcome({ adds: 'p', legacy: 'f', subtract: 'p' }),
    'M(M(H+A)+B)': outcome({ adds: 'f', legacy: 'f', subtract: 'p' }),
  });
  const gate = await start(f.ports);
  const first = await gate.merge('A');
  assert.equal(first.ok, true, first.summary);
  assert.equal(f.head(), 'M(H+A)');
  const second = await gate.merge('B');
  assert.equal(second.ok, false);
  assert.equal(second.failure?.kind, 'merge-tests');
  assert.equal(second.summary, 'tests failed after merging with the latest integrated work: broke 1 test that passed on the base: adds');
  assert.equal(f.head(), 'M(H+A)', 'the branch did not move');
  assert.deepEqual(f.log.filter((l) => l.startsWith('test')), ['test M(H+A) in scratch', 'test H in scratch', 'test M(M(H+A)+B) in scratch'], 'the new head was not tested again: its run is cached');
});

test('a run that timed out is not cached, and a setup that fails on the change is a setup failure', async () => {
  let calls = 0;
  const f = fakes({ H: outcome({ adds: 'p' }), A: () => (++calls === 1 ? outcome({}, 'timed-out') : outcome({ adds: 'p' })) }, { setupFails: 'B' });
  const gate = await start(f.ports);
  assert.equal((await gate.verify('slot-a')).ok, false);
  assert.equal((await gate.verify('slot-a')).ok, true, 'tested again after the timeout');
  const setup = await gate.verify('slot-b');
  assert.equal(setup.failure?.kind, 'setup');
  assert.match(setup.failure!.evidence, /npm ERR! lockfile/);
});
