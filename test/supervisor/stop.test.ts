/** Orderly shutdown (OTP's shutdown_termination group): reverse order, grace period, then SIGKILL of the group. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChildUnavailableError, StartError } from '../../supervisor/errors.js';
import { command, processAlive, supervise, waitUntil, worker } from './helpers.js';

describe('shutdown_termination', () => {
  test('stop() shuts children down in reverse start order, each exiting 0 with reason shutdown', async (t) => {
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'root',
      children: [worker('a'), { type: 'supervisor', id: 'sub', children: [worker('b'), worker('c')] }, worker('d')],
    });
    await sup.start();
    assert.deepEqual(rec.of('child-started').map((e) => e.id), ['a', 'b', 'c', 'sub', 'd']);
    const pids = rec.pids();
    await sup.stop('end of run');
    assert.deepEqual(rec.of('child-exited').map((e) => [e.id, e.code, e.reason]), [
      ['d', 0, 'shutdown'], ['c', 0, 'shutdown'], ['b', 0, 'shutdown'], ['sub', null, 'shutdown'], ['a', 0, 'shutdown'],
    ]);
    assert.deepEqual(rec.of('report'), [], 'an orderly stop reports nothing');
    for (const id of ['a', 'b', 'c', 'd', 'sub']) assert.equal(sup.status(id), 'exited');
    assert.deepEqual(pids.filter(processAlive), []);
    await sup.stop('again'); // idempotent
    await assert.rejects(sup.call('a', command('echo:late')), ChildUnavailableError);
  });

  test('a child that ignores shutdown is SIGKILLed with its group after shutdownMs, reported as shutdown_error', async (t) => {
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'root',
      children: [worker('polite'), worker('stubborn', { ignoreShutdown: true }, { shutdownMs: 300 })],
    });
    await sup.start();
    await sup.stop();
    assert.deepEqual(rec.of('child-exited').map((e) => [e.id, e.signal, e.reason]), [
      ['stubborn', 'SIGKILL', 'killed: no exit within 300 ms of shutdown'], ['polite', null, 'shutdown'],
    ]);
    const report = rec.of('report')[0];
    assert.deepEqual(report && [report.context, report.offender], ['shutdown_error', 'stubborn']);
  });

  test('a request in flight during stop is answered interrupted before the actor exits', async (t) => {
    const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
    await sup.start();
    const pending = sup.call('a', command('hang'), { timeoutMs: 30_000 });
    await rec.waitFor((e) => e.type === 'frame' && e.body.type === 'progress' && e.body.note === 'hanging');
    await sup.stop('operator stop');
    assert.deepEqual(await pending, { tag: 'interrupted', reason: 'shutdown: operator stop' });
  });

  test('stop() during a slow start ends the handshake at once and start() rejects', async (t) => {
    const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('slow', { start: 'hang-on-start' }, { startTimeoutMs: 60_000 })] });
    const starting = sup.start();
    await waitUntil(() => sup.pidOf('slow') !== null, 15_000, 'the slow worker forked');
    await sup.stop();
    await assert.rejects(starting, (error: unknown) => {
      assert.ok(error instanceof StartError);
      assert.match(error.message, /stopped during start/);
      return true;
    });
  });

  test('stop() does not wait for a pending restart backoff', { timeout: 30_000 }, async (t) => {
    const { sup, rec } = supervise(t, {
      type: 'supervisor', id: 'root', intensity: 5,
      children: [worker('w', {}, { backoff: { minMs: 120_000, maxMs: 120_000, randomFactor: 0 } })],
    });
    await sup.start();
    await assert.rejects(sup.call('w', command('crash')));
    await rec.waitFor((e) => e.type === 'child-restarting');
    assert.equal(sup.status('w'), 'backoff');
    await sup.stop();
    assert.equal(sup.status('w'), 'exited');
  });
});
