/** The gate's suite-run cache (actors/gate-tests.ts): how it estimates a suite run's duration for the merge trains' wait. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTester, type TestOutcome, type TestPorts } from '../../actors/gate-tests.js';

test('the suite estimate is null before any run, the elapsed time of a run in flight, then the median of the latest finished runs', async () => {
  let clock = 1_000;
  const finish: Array<(outcome: TestOutcome) => void> = [];
  const ports: TestPorts<TestOutcome> = {
    tree: async (_repo, commit) => `tree-${commit}`,
    prepare: async () => ({ ok: true }),
    runTests: () => new Promise((resolve) => finish.push(resolve)),
  };
  const tester = createTester(ports, () => clock);
  const scope = { signal: new AbortController().signal, adoptGroup: () => {}, releaseGroup: () => {} };
  const suite = { testCommand: 'npm test', setupCommand: null, testTimeoutMs: 60_000 };
  const settle = async (ms: number, status: TestOutcome['status'] = 'passed'): Promise<void> => {
    while (finish.length === 0) await new Promise((resolve) => setImmediate(resolve));
    clock += ms;
    finish.shift()!({ status, evidence: '', durationMs: ms });
  };
  const run = (commit: string) => tester.test('/repo', commit, { gateSlots: ['gate-1'] }, suite, '/dev/null', scope);

  assert.equal(tester.suiteEstimateMs('/repo'), null);
  const first = run('A');
  while (finish.length === 0) await new Promise((resolve) => setImmediate(resolve));
  clock += 300;
  assert.equal(tester.suiteEstimateMs('/repo'), 300, 'a run in flight: at least as long as it has run');
  await settle(700);
  await first;
  assert.equal(tester.suiteEstimateMs('/repo'), 1_000);
  for (const [commit, ms] of [['B', 2_000], ['C', 400], ['D', 600]] as const) {
    const next = run(commit);
    await settle(ms);
    await next;
  }
  assert.equal(tester.suiteEstimateMs('/repo'), 600, 'the median of 1000, 2000, 400, 600 (the lower middle)');
  const hung = run('F');
  while (finish.length === 0) await new Promise((resolve) => setImmediate(resolve));
  clock += 30 * 60_000;
  assert.equal(tester.suiteEstimateMs('/repo'), 600, 'once runs have finished, one that hangs does not stretch the estimate');
  await settle(0, 'timed-out');
  await hung;
  const timedOut = run('E');
  await settle(60_000, 'timed-out');
  await timedOut;
  assert.equal(tester.suiteEstimateMs('/repo'), 600, 'a run that timed out says nothing of how long the suite takes');
  assert.equal(tester.suiteEstimateMs('/other'), null, 'per repository');
});
