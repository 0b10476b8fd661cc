import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureRun, recommend, type BenchEvent } from '../../src/bench/measure.js';

/** Two tasks on one board, timestamps chosen by hand. */
const events: BenchEvent[] = [
  { type: 'task.created', ts: 0, taskId: 'a' },
  { type: 'task.created', ts: 0, taskId: 'b' },
  { type: 'task.dispatched', ts: 100, taskId: 'a', attempt: 1 },
  { type: 'task.dispatched', ts: 100, taskId: 'b', attempt: 1 },
  { type: 'attempt.started', ts: 130, taskId: 'a', attempt: 1 },
  { type: 'attempt.started', ts: 150, taskId: 'b', attempt: 1 },
  { type: 'attempt.finished', ts: 1130, taskId: 'a', attempt: 1, durationMs: 1000 },
  { type: 'attempt.finished', ts: 2150, taskId: 'b', attempt: 1, durationMs: 2000 },
  { type: 'gate.passed', ts: 1330, taskId: 'a', attempt: 1 },
  { type: 'review.started', ts: 1340, taskId: 'a', attempt: 1 },
  { type: 'review.accepted', ts: 1400, taskId: 'a', attempt: 1 },
  { type: 'gate.passed', ts: 2350, taskId: 'b', attempt: 1 },
  { type: 'review.started', ts: 2360, taskId: 'b', attempt: 1 },
  { type: 'review.accepted', ts: 2400, taskId: 'b', attempt: 1 },
  // a's train is slow: b, accepted at 2400, waits for it until its own train leaves at 2600.
  { type: 'train.finished', ts: 2590, durationMs: 1190, tasks: ['a'], landed: ['a'], culprits: [] },
  { type: 'task.merged', ts: 2600, taskId: 'a', attempt: 1 },
  { type: 'train.finished', ts: 2890, durationMs: 290, tasks: ['b'], landed: ['b'], culprits: [] },
  { type: 'task.merged', ts: 2900, taskId: 'b', attempt: 1 },
];

test('a run is measured from its board: makespan, bound, throughput, suite runs and each stage', () => {
  const m = measureRun(events, 2, 3);
  assert.equal(m.tasks, 2);
  assert.equal(m.merged, 2);
  assert.equal(m.makespanMs, 2800);
  assert.equal(m.boundMs, 2000, 'the longest agent time beats total agent time over 2 slots');
  assert.equal(m.ratio, 1.4);
  assert.equal(m.tasksPerSecond.toFixed(3), (2 / 2.8).toFixed(3));
  assert.equal(m.suiteRunsPerMergedTask, 1.5);
  assert.deepEqual([m.stages.slot.p50, m.stages.slot.p99], [30, 50]);
  assert.deepEqual([m.stages.agent.p50, m.stages.agent.p99], [1000, 2000]);
  assert.deepEqual([m.stages.gate.p50, m.stages.critic.p50], [200, 40]);
  assert.deepEqual([m.stages.merge.p50, m.stages.merge.p99], [500, 1200]);
  assert.deepEqual([m.stages['queue wait'].p50, m.stages['queue wait'].p99], [0, 200]);
  assert.deepEqual(m.trains, { count: 2, sizeP50: 1, largest: 1, red: 0, largestGreen: 1 });
  assert.equal(measureRun(events, 1, 2).boundMs, 3000, 'one slot: all agent time in a row');
});

const curves: Array<[string, Array<[number, number]>, number, RegExp]> = [
  ['the knee: the fewest slots within 90 % of the best', [[1, 1], [2, 1.9], [4, 2.0], [8, 2.05]], 2, /2 slots give 1\.90 tasks\/s, 93 % of the best \(2\.05 tasks\/s at 8\): 6 more agents at once would add only 8 %/],
  ['still growing at the largest: try more', [[1, 1], [2, 1.5], [4, 2.4]], 4, /still grew from 2 slots to 4 .* try a larger --parallel/],
  ['more slots made it slower', [[1, 1], [2, 2], [4, 1.5], [8, 1.2]], 2, /2 slots gave the best throughput \(2\.00 tasks\/s\); more slots made it slower \(1\.50 tasks\/s at 4, 1\.20 tasks\/s at 8\)/],
  ['one slot is best', [[1, 2], [2, 1.7]], 1, /1 slot gave the best throughput .* made it slower/],
  ['a single setting', [[4, 3]], 4, /only 4 slots was measured/],
];
for (const [what, points, parallel, reason] of curves) {
  test(`recommendation: ${what}`, () => {
    const knee = recommend(points.map(([p, t]) => ({ parallel: p, tasksPerSecond: t })));
    assert.equal(knee?.parallel, parallel);
    assert.match(knee!.reason, reason);
  });
}

test('no recommendation when nothing merged', () => {
  assert.equal(recommend([{ parallel: 1, tasksPerSecond: Number.NaN }]), null);
});
