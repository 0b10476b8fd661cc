/** The Workers panel's model: the run's roles only, its own tasks by id, ages ticking on the page's clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORKER_BEAT_VERSION, type WorkerSeen } from '../../../protocol/index.js';
import { workersView } from '../../../ui/model/workers.js';

const worker = (name: string, over: Partial<WorkerSeen> = {}): WorkerSeen => ({
  v: WORKER_BEAT_VERSION, state: 'up', name, host: 'box', pid: 7, roles: ['backend'], slots: 2, jobs: [], version: '1.0.0', startedAt: 0, everyMs: 5_000, seenAgoMs: 1_000, stale: false, ...over,
});

test('workersView: the run\'s roles only; its own tasks by id (linkable), another run\'s with the run; ages plus the time since the read', () => {
  const listing = {
    server: 'nats://s:4222', reachable: true as const,
    workers: [
      worker('a', { jobs: [{ runId: 'r1', job: 't1-a1-x', role: 'backend', taskId: 't1', attempt: 1, since: 10_000 }, { runId: 'r2', job: 't9-a2-y', role: 'backend', taskId: 't9', attempt: 2, since: 15_000 }] }),
      worker('docs-only', { roles: ['docs'] }),
      worker('b', { stale: true, seenAgoMs: 20_000, jobs: [{ runId: 'r1', job: 'merge-1', role: 'backend', since: 19_000 }] }),
    ],
  };
  const view = workersView(listing, { runId: 'r1', roles: ['backend', 'frontend'], elapsedMs: 2_000, nowMs: 20_000 });
  assert.equal(view.kind, 'listed');
  if (view.kind !== 'listed') return;
  assert.deepEqual(view.rows.map((r) => [r.name, r.slots, r.seenAgoMs, r.stale]), [['a', { used: 2, total: 2 }, 3_000, false], ['b', { used: 1, total: 2 }, 22_000, true]]);
  assert.deepEqual(view.rows[0]!.tasks, [{ label: 't1', taskId: 't1', forMs: 10_000 }, { label: 'r2/t9', taskId: null, forMs: 5_000 }]);
  assert.deepEqual(view.rows[1]!.tasks, [{ label: 'merge-1', taskId: null, forMs: 1_000 }]);
  // Before the plan names the roles, every worker is shown.
  const early = workersView(listing, { runId: 'r1', roles: [], elapsedMs: 0, nowMs: 0 });
  assert.deepEqual(early.kind === 'listed' ? early.rows.map((r) => r.name) : early, ['a', 'docs-only', 'b']);
});

test('workersView: an unreachable server is its one line', () => {
  assert.deepEqual(workersView({ server: 'nats://s:4222', reachable: false, error: 'cannot reach the NATS server at nats://s:4222 (connection refused)', workers: [] }, { runId: 'r1', roles: ['backend'], elapsedMs: 0, nowMs: 0 }),
    { kind: 'unreachable', server: 'nats://s:4222', error: 'cannot reach the NATS server at nats://s:4222 (connection refused)' });
});
