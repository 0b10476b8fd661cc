/** Restart semantics with real processes: restart types, strategies, intensity and escalation, backoff. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RestartType } from '../../supervisor/child-spec.js';
import { ActorExitedError, ChildUnavailableError } from '../../supervisor/errors.js';
import { tempDir } from '../helpers/temp.js';
import { command, supervise, worker } from './helpers.js';

describe('abnormal_termination', () => {
  test('a permanent worker killed with kill -9 from outside is restarted, and its pending call rejects with ActorExitedError', async (t) => {
    const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
    await sup.start();
    const pid = sup.pidOf('a')!;
    const pending = sup.call('a', command('hang-ignoring-cancel'), { timeoutMs: 30_000 });
    await rec.waitFor((e) => e.type === 'frame' && e.body.type === 'progress' && e.body.note === 'hanging');
    process.kill(pid, 'SIGKILL');
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(error instanceof ActorExitedError);
      assert.equal(error.actorId, 'a');
      assert.equal(error.signal, 'SIGKILL');
      assert.equal(error.exitCode, null);
      assert.equal(error.reason, 'signal SIGKILL');
      return true;
    });
    const restarted = await rec.waitFor((e) => e.type === 'child-started' && e.restarts === 1);
    assert.ok(restarted.type === 'child-started' && restarted.pid !== pid);
    assert.deepEqual(rec.of('report').map((e) => [e.context, e.offender, e.reason]), [['child_terminated', 'a', 'signal SIGKILL']]);
    assert.deepEqual(await sup.call('a', command('echo:again')), { tag: 'ok', value: { echo: 'again', actorId: 'a', pid: restarted.pid } });
  });

  test('a handler that throws crashes the actor; the call rejects with the crash frame\'s message as reason', async (t) => {
    const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
    await sup.start();
    await assert.rejects(sup.call('a', command('crash:now')), (error: unknown) => {
      assert.ok(error instanceof ActorExitedError);
      assert.equal(error.reason, 'fixture crashed on request now');
      assert.equal(error.exitCode, 1);
      return true;
    });
    const exited = await rec.waitFor((e) => e.type === 'child-exited');
    assert.deepEqual(exited, { type: 'child-exited', id: 'a', code: 1, signal: null, reason: 'fixture crashed on request now' });
    await sup.whenRunning('a');
  });

  test('kill(id) SIGKILLs the worker\'s group and is handled like a crash', async (t) => {
    const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
    await sup.start();
    sup.kill('a', 'operator asked');
    const exited = await rec.waitFor((e) => e.type === 'child-exited');
    assert.ok(exited.type === 'child-exited');
    assert.equal(exited.reason, 'killed: operator asked');
    assert.equal(exited.signal, 'SIGKILL');
    await rec.waitFor((e) => e.type === 'child-started' && e.restarts === 1);
    assert.throws(() => sup.kill('nobody', 'x'), ChildUnavailableError);
  });
});

/** OTP supervisor_SUITE groups: how each restart type reacts to a normal exit (exit 0 on its own) and an abnormal one. */
const RESTART_TYPES: ReadonlyArray<{ restart: RestartType; exit: 'normal' | 'abnormal'; restarted: boolean }> = [
  { restart: 'permanent', exit: 'normal', restarted: true },
  { restart: 'permanent', exit: 'abnormal', restarted: true },
  { restart: 'transient', exit: 'normal', restarted: false },
  { restart: 'transient', exit: 'abnormal', restarted: true },
  { restart: 'temporary', exit: 'normal', restarted: false },
  { restart: 'temporary', exit: 'abnormal', restarted: false },
];
for (const row of RESTART_TYPES) {
  describe(`${row.exit}_termination`, () => {
    test(`a ${row.restart} worker ${row.restarted ? 'is' : 'is not'} restarted after a ${row.exit} exit`, async (t) => {
      const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', intensity: 3, children: [worker('w', {}, { restart: row.restart })] });
      await sup.start();
      const call = sup.call('w', command(row.exit === 'normal' ? 'exit:0' : 'crash'));
      if (row.exit === 'normal') assert.deepEqual(await call, { tag: 'ok', value: 'exiting' });
      else await assert.rejects(call, ActorExitedError);
      const exited = await rec.waitFor((e) => e.type === 'child-exited');
      assert.ok(exited.type === 'child-exited');
      assert.equal(exited.reason, row.exit === 'normal' ? 'normal' : 'fixture crashed on request');
      if (row.restarted) {
        await sup.whenRunning('w');
        assert.equal(sup.status('w'), 'running');
      } else {
        await assert.rejects(sup.whenRunning('w'), ChildUnavailableError);
        assert.equal(sup.status('w'), 'exited');
        await assert.rejects(sup.call('w', command('echo:x')), ChildUnavailableError);
      }
      assert.equal(rec.of('report').some((e) => e.context === 'child_terminated'), row.exit === 'abnormal');
    });
  });
}

describe('restart_rest_for_one', () => {
  test('the dead child and every child started after it are restarted, in order; earlier ones keep running', async (t) => {
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'root', strategy: 'rest_for_one', intensity: 3,
      children: [worker('a'), worker('b'), worker('c'), worker('d', {}, { restart: 'temporary' })],
    });
    await sup.start();
    const before = Object.fromEntries(['a', 'b', 'c', 'd'].map((id) => [id, sup.pidOf(id)]));
    await assert.rejects(sup.call('b', command('crash')), ActorExitedError);
    await rec.waitFor((e) => e.type === 'child-started' && e.id === 'c' && e.restarts === 1);
    assert.equal(sup.pidOf('a'), before['a']);
    assert.notEqual(sup.pidOf('b'), before['b']);
    assert.notEqual(sup.pidOf('c'), before['c']);
    // OTP: a temporary child is terminated with the group but never restarted.
    assert.equal(sup.status('d'), 'exited');
    const sequence = rec.events.filter((e) => e.type !== 'report').slice(rec.events.findIndex((e) => e.type === 'child-exited'));
    assert.deepEqual(sequence.map((e) => `${e.type} ${'id' in e ? e.id : ''}`), [
      'child-exited b', 'child-exited d', 'child-exited c', 'child-restarting b', 'child-restarting c', 'child-started b', 'child-started c',
    ]);
  });
});

describe('restart_one_for_all', () => {
  test('every child is stopped and restarted in start order', async (t) => {
    const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', strategy: 'one_for_all', intensity: 3, children: [worker('a'), worker('b'), worker('c')] });
    await sup.start();
    const before = ['a', 'b', 'c'].map((id) => sup.pidOf(id));
    await assert.rejects(sup.call('b', command('crash')), ActorExitedError);
    await rec.waitFor((e) => e.type === 'child-started' && e.id === 'c' && e.restarts === 1);
    const after = ['a', 'b', 'c'].map((id) => sup.pidOf(id));
    after.forEach((pid, i) => assert.notEqual(pid, before[i]));
    assert.deepEqual(rec.of('child-started').slice(3).map((e) => e.id), ['a', 'b', 'c']);
    assert.deepEqual(rec.of('child-exited').map((e) => e.id), ['b', 'c', 'a']);
  });
});

describe('escalation', () => {
  test('a transient sub-supervisor that exceeds its intensity gives up; its parent keeps running and calls to its workers reject', async (t) => {
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'work', intensity: 1,
      children: [
        worker('critic'),
        { type: 'supervisor', id: 'role/backend', restart: 'transient', intensity: 2, periodMs: 60_000, children: [worker('sme/backend', { start: 'crash-after-ready' })] },
        worker('gate'),
      ],
    });
    await sup.start();
    const report = await rec.waitFor((e) => e.type === 'report' && e.context === 'reached_max_restart_intensity');
    assert.deepEqual(report, {
      type: 'report', supervisor: 'role/backend', context: 'reached_max_restart_intensity', reason: 'fixture crashed after ready', offender: 'sme/backend',
    });
    assert.equal(rec.of('child-started').filter((e) => e.id === 'sme/backend').length, 3, 'started once, restarted twice');
    assert.equal(rec.of('child-exited').filter((e) => e.id === 'sme/backend').length, 3, 'each exit reported once');
    assert.ok(!rec.of('report').some((e) => e.context === 'shutdown_error'));
    await assert.rejects(sup.whenRunning('role/backend'), ChildUnavailableError);
    await assert.rejects(sup.whenRunning('sme/backend'), ChildUnavailableError);
    assert.equal(sup.status('role/backend'), 'gave-up');
    assert.equal(sup.status('sme/backend'), 'exited');
    assert.equal(sup.status('critic'), 'running');
    assert.equal(sup.status('gate'), 'running');
    await assert.rejects(sup.call('sme/backend', command('echo:x')), (error: unknown) => {
      assert.ok(error instanceof ChildUnavailableError);
      assert.match(error.message, /its supervisor "role\/backend" gave up/);
      return true;
    });
    assert.ok(!rec.events.some((e) => e.type === 'child-restarting' && e.id === 'role/backend'), 'the parent does not restart it');
    assert.deepEqual(await sup.call('gate', command('echo:still here')), { tag: 'ok', value: { echo: 'still here', actorId: 'gate', pid: sup.pidOf('gate') } });
  });

  test('a worker that fails every restart exhausts a transient sub-supervisor started with startFailure retry', async (t) => {
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'work',
      children: [{
        type: 'supervisor', id: 'role/x', restart: 'transient', intensity: 2, periodMs: 60_000, startFailure: 'retry',
        children: [worker('sme/x', { start: 'crash-on-start' })],
      }],
    });
    await sup.start();
    await assert.rejects(sup.call('sme/x', command('echo:x')), ChildUnavailableError);
    assert.equal(sup.status('role/x'), 'gave-up');
    assert.equal(rec.of('report').filter((e) => e.context === 'start_error').length, 3);
    assert.equal(rec.of('report').filter((e) => e.context === 'reached_max_restart_intensity').length, 1);
    assert.equal(sup.status('work'), undefined, 'the root is not a child');
  });

  test('a permanent sub-supervisor that gives up is restarted by its parent, which counts it toward its own intensity', async (t) => {
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'loop', intensity: 1, periodMs: 60_000,
      children: [{ type: 'supervisor', id: 'role', intensity: 0, children: [worker('sme', { start: 'crash-after-ready' })] }],
    });
    await sup.start();
    await sup.whenStopped();
    assert.deepEqual(rec.of('report').filter((e) => e.context === 'reached_max_restart_intensity').map((e) => [e.supervisor, e.offender]), [
      ['role', 'sme'], ['role', 'sme'], ['loop', 'role'],
    ]);
    assert.deepEqual(rec.of('child-restarting').map((e) => e.id), ['role']);
    await assert.rejects(sup.whenRunning('sme'), /the supervision tree is stopped/);
  });
});

describe('backoff', () => {
  test('a restart waits for the backoff delay, with jitter from the injected random, in status backoff', async (t) => {
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'root', intensity: 5,
      children: [worker('w', {}, { backoff: { minMs: 100, maxMs: 1_000, randomFactor: 0.2 } })],
    }, { random: () => 0.5 });
    const statusDuringBackoff: (string | undefined)[] = [];
    const at: Record<string, number> = {};
    sup.on((e) => {
      if (e.type === 'child-restarting') {
        statusDuringBackoff.push(sup.status('w'));
        at['restarting'] = performance.now();
      }
      if (e.type === 'child-started' && e.restarts === 1) at['started'] = performance.now();
    });
    await sup.start();
    await assert.rejects(sup.call('w', command('crash')), ActorExitedError);
    const restarting = await rec.waitFor((e) => e.type === 'child-restarting');
    assert.deepEqual(restarting, { type: 'child-restarting', id: 'w', restarts: 1, delayMs: 110 });
    assert.deepEqual(statusDuringBackoff, ['backoff']);
    await rec.waitFor((e) => e.type === 'child-started' && e.restarts === 1);
    assert.ok(at['started']! - at['restarting']! >= 100, 'not restarted before the delay');
  });

  test('failed restarts are retried with a growing backoff, each counted toward intensity, until the supervisor gives up', async (t) => {
    const marker = join(tempDir(t), 'started-once');
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'root', intensity: 3, periodMs: 60_000,
      children: [worker('w', { onlyFirstStartSucceeds: marker }, { backoff: { minMs: 20, maxMs: 1_000, randomFactor: 0 } })],
    });
    await sup.start();
    await assert.rejects(sup.call('w', command('crash')), ActorExitedError);
    await sup.whenStopped();
    assert.deepEqual(rec.of('child-restarting').map((e) => e.delayMs), [20, 40, 80]);
    assert.deepEqual(rec.of('report').map((e) => e.context), [
      'child_terminated', 'start_error', 'start_error', 'start_error', 'reached_max_restart_intensity',
    ]);
  });
});
