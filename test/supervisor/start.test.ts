/** The start handshake (init → ready | init-failed, with a deadline) and boot semantics (abort vs retry). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { ChildUnavailableError, StartError } from '../../supervisor/errors.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { command, processAlive, supervise, worker } from './helpers.js';

test('a worker becomes running after init → ready and answers calls', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  assert.equal(sup.status('a'), 'running');
  const pid = sup.pidOf('a');
  assert.ok(pid !== null && processAlive(pid));
  assert.deepEqual(rec.of('child-started').map((e) => [e.id, e.pid, e.restarts]), [['a', pid, 0]]);
  const result = await sup.call('a', command('echo:hi'));
  assert.deepEqual(result, { tag: 'ok', value: { echo: 'hi', actorId: 'a', pid } });
});

test('a slow start inside the deadline succeeds', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('slow', { start: 'slow-start', startDelayMs: 200 }, { startTimeoutMs: 5_000 })] });
  await sup.start();
  assert.equal(sup.status('slow'), 'running');
});

const FAILURES: ReadonlyArray<{ name: string; input: Record<string, unknown>; reason: RegExp; startTimeoutMs?: number }> = [
  { name: 'init-failed (start() throws)', input: { start: 'crash-on-start' }, reason: /^init-failed: fixture refuses to start$/ },
  { name: 'no ready within startTimeoutMs', input: { start: 'hang-on-start' }, reason: /^start timeout$/, startTimeoutMs: 1_000 },
  { name: 'a ready frame with the wrong proto', input: { start: 'bad-proto' }, reason: /^protocol: .*Expected "loop\/1" but received "loop\/0"/ },
  { name: 'an exit before ready', input: { start: 'exit-on-start' }, reason: /^exited before ready: exit code 3$/ },
  { name: 'input that fails the actor\'s schema', input: { start: 'no-such-behaviour' }, reason: /^init-failed: invalid input for actor "bad": .*start/ },
];
for (const row of FAILURES) {
  test(`a start fails the boot on ${row.name}`, async (t) => {
    const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('bad', row.input, { startTimeoutMs: row.startTimeoutMs ?? 15_000 })] });
    await assert.rejects(sup.start(), (error: unknown) => {
      assert.ok(error instanceof StartError);
      assert.equal(error.actorId, 'bad');
      assert.match(error.reason, row.reason);
      return true;
    });
    const report = rec.of('report')[0];
    assert.deepEqual(report && [report.context, report.offender, report.supervisor], ['start_error', 'bad', 'root']);
    assert.equal(sup.status('bad'), 'exited');
    await assert.rejects(sup.whenRunning('bad'), ChildUnavailableError);
  });
}

test('a module without a defineActor default export fails its start with a clear reason', async (t) => {
  const dir = tempDir(t);
  writeFiles(dir, { 'not-an-actor.mjs': 'export const x = 1;\n' });
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('odd', {}, { module: join(dir, 'not-an-actor.mjs') })] });
  await assert.rejects(sup.start(), /failed to start: init-failed: .*not-an-actor\.mjs has no default export made with defineActor/);
});

test('a missing module fails its start naming the module', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('gone', {}, { module: '/nonexistent/actor.js' })] });
  await assert.rejects(sup.start(), /init-failed: cannot load actor module \/nonexistent\/actor\.js/);
});

test('startFailure abort: a failed boot stops the children already started, in reverse order', async (t) => {
  const { sup, rec } = supervise(t, {
    type: 'supervisor', id: 'root',
    children: [worker('first'), worker('second'), worker('bad', { start: 'crash-on-start' }), worker('never')],
  });
  await assert.rejects(sup.start(), StartError);
  assert.deepEqual(rec.of('child-started').map((e) => e.id), ['first', 'second']);
  assert.deepEqual(rec.of('child-exited').map((e) => [e.id, e.reason]), [
    ['bad', 'init-failed: fixture refuses to start'], ['second', 'shutdown'], ['first', 'shutdown'],
  ]);
  for (const id of ['first', 'second', 'bad', 'never']) assert.equal(sup.status(id), 'exited', id);
});

test('startFailure retry: a child that fails at boot is restarted like a crash and the boot goes on', async (t) => {
  const { sup, rec } = supervise(t, {
    type: 'supervisor', id: 'root', startFailure: 'retry', intensity: 3, periodMs: 60_000,
    children: [worker('flaky', { start: 'crash-on-start' }), worker('steady')],
  });
  await sup.start();
  assert.equal(sup.status('steady'), 'running');
  const report = await rec.waitFor((e) => e.type === 'report' && e.context === 'reached_max_restart_intensity');
  assert.deepEqual(report, {
    type: 'report', supervisor: 'root', context: 'reached_max_restart_intensity', reason: 'init-failed: fixture refuses to start', offender: 'flaky',
  });
  // 1 failed boot start + 3 failed restarts, each counted; the fourth count exceeds intensity 3.
  assert.equal(rec.of('report').filter((e) => e.context === 'start_error').length, 4);
  assert.deepEqual(rec.of('child-restarting').map((e) => e.restarts), [1, 2, 3]);
  await sup.whenStopped();
  assert.equal(sup.status('steady'), 'exited');
});
