/** Merge-train decisions (pure): train sizes, where to probe a red train, and how the interval narrows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstTrainSize, narrow, nextTrainSize, probes, testsInSlot, trainDeparture, trainWaitLimitMs } from '../../actors/train-plan.js';

test('train sizes double while trains pass and halve after a red one, within 1..cap', () => {
  const table: [number, boolean, number, number][] = [
    [4, true, 16, 8], [8, true, 8, 8], [16, false, 16, 8], [3, false, 16, 2], [1, false, 16, 1], [1, true, 1, 1],
  ];
  for (const [current, green, cap, next] of table) assert.equal(nextTrainSize(current, green, cap), next, `${current} ${green ? 'green' : 'red'} cap ${cap}`);
  assert.equal(firstTrainSize(8), 8);
});

test('preMergeTests: always and never are what they say; auto tests in the slot only when its train is not next and a suite can start without crowding one that runs', () => {
  const table: [Parameters<typeof testsInSlot>[0], boolean, number, number, boolean][] = [
    // mode, joins the next train, suites running, capacity, in the slot
    ['always', true, 5, 1, true],
    ['never', false, 0, 4, false],
    ['auto', true, 0, 1, false],
    ['auto', false, 0, 1, true],
    ['auto', false, 1, 1, false],
    ['auto', false, 3, 4, true],
    ['auto', false, 4, 4, false],
    ['auto', false, 0, 0, true],
  ];
  for (const [mode, joinsNextTrain, suitesRunning, capacity, inSlot] of table) {
    assert.equal(testsInSlot(mode, { joinsNextTrain, suitesRunning, capacity }), inSlot, `${mode}, joins next ${joinsNextTrain}, ${suitesRunning} running of ${capacity}`);
  }
});

test('probes split the open interval evenly, one per parallel slot, never at its ends', () => {
  assert.deepEqual(probes(0, 8, 1), [4]);
  assert.deepEqual(probes(0, 8, 3), [2, 4, 6]);
  assert.deepEqual(probes(4, 6, 3), [5]);
  assert.deepEqual(probes(4, 5, 2), [], 'the culprit is known');
  assert.deepEqual(probes(0, 3, 8), [1, 2], 'no more probes than points inside');
});

test('narrowing takes the first red probe as the new red end and the probe before it as the green end', () => {
  assert.deepEqual(narrow(0, 8, new Map([[4, true]])), { green: 4, red: 8 });
  assert.deepEqual(narrow(0, 8, new Map([[4, false]])), { green: 0, red: 4 });
  assert.deepEqual(narrow(0, 8, new Map([[2, true], [4, false], [6, true]])), { green: 2, red: 4 }, 'a later green prefix does not clear an earlier culprit');
});

test('for every train size and culprit, the search finds the first red prefix in ⌈log2 n⌉ runs with one slot, fewer rounds with more', () => {
  for (let n = 1; n <= 32; n++) {
    for (let culprit = 1; culprit <= n; culprit++) {
      for (const parallel of [1, 2, 3]) {
        let interval = { green: 0, red: n };
        let runs = 0;
        let rounds = 0;
        for (let next = probes(0, n, parallel); next.length > 0; next = probes(interval.green, interval.red, parallel)) {
          runs += next.length;
          rounds += 1;
          interval = narrow(interval.green, interval.red, new Map(next.map((k) => [k, k < culprit])));
        }
        assert.equal(interval.red, culprit, `n ${n}, culprit ${culprit}, parallel ${parallel}`);
        assert.equal(interval.green, culprit - 1);
        if (parallel === 1) assert.ok(runs <= Math.ceil(Math.log2(n)), `n ${n}: ${runs} runs`);
        assert.ok(rounds <= Math.ceil(Math.log(n) / Math.log(parallel + 1)) + 1, `n ${n}, parallel ${parallel}: ${rounds} rounds`);
      }
    }
  }
});

test('a train with room waits for changes on their way, at most one suite run; a full train or nothing on the way leaves at once', () => {
  const table: [waiting: number, size: number, onTheWay: number, waitedMs: number, limitMs: number, expected: ReturnType<typeof trainDeparture>][] = [
    [1, 8, 3, 0, 1_000, { go: false, recheckInMs: 1_000 }],
    [1, 8, 3, 400, 1_000, { go: false, recheckInMs: 600 }],
    [1, 8, 3, 1_000, 1_000, { go: true }],
    [1, 8, 3, 5_000, 1_000, { go: true }],
    [8, 8, 3, 0, 1_000, { go: true }],
    [9, 8, 3, 0, 1_000, { go: true }],
    [1, 8, 0, 0, 1_000, { go: true }],
    [1, 8, 3, 0, 0, { go: true }],
  ];
  for (const [waiting, size, onTheWay, waitedMs, limitMs, expected] of table) {
    assert.deepEqual(trainDeparture({ waiting, size, onTheWay, waitedMs, limitMs }), expected, `${waiting} waiting of ${size}, ${onTheWay} on the way, waited ${waitedMs} of ${limitMs} ms`);
  }
});

test('an agent still at work counts only if it should finish within what is left of the wait', () => {
  const base = { waiting: 1, size: 8, onTheWay: 0, limitMs: 1_000 };
  assert.deepEqual(trainDeparture({ ...base, arrivingInMs: [300], waitedMs: 400 }), { go: false, recheckInMs: 600 });
  assert.deepEqual(trainDeparture({ ...base, arrivingInMs: [600], waitedMs: 400 }), { go: false, recheckInMs: 600 });
  assert.deepEqual(trainDeparture({ ...base, arrivingInMs: [700], waitedMs: 400 }), { go: true }, 'due after the wait runs out');
  assert.deepEqual(trainDeparture({ ...base, arrivingInMs: [3_600_000, 50], waitedMs: 0 }), { go: false, recheckInMs: 1_000 });
  assert.deepEqual(trainDeparture({ ...base, arrivingInMs: [], waitedMs: 0 }), { go: true });
});

test('trainWait: auto waits one suite run as measured, nothing before any run; a number is the limit itself', () => {
  assert.equal(trainWaitLimitMs('auto', 1_300), 1_300);
  assert.equal(trainWaitLimitMs('auto', null), 0);
  assert.equal(trainWaitLimitMs(0, 1_300), 0);
  assert.equal(trainWaitLimitMs(30_000, null), 30_000);
});
