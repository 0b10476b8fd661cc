/** Calls: replies, progress and emit frames, cancellation, timeouts, late replies and invalid frames. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { ActorExitedError, CallTimeoutError, ChildUnavailableError, ProtocolError } from '../../supervisor/errors.js';
import { command, supervise, worker } from './helpers.js';

const hanging = (e: { type: string; body?: unknown }): boolean =>
  e.type === 'frame' && (e.body as { note?: string }).note === 'hanging';

test('requests are handled concurrently: an echo is answered while another request hangs', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  const controller = new AbortController();
  const slow = sup.call('a', command('hang'), { signal: controller.signal, timeoutMs: 30_000 });
  await rec.waitFor(hanging);
  assert.equal((await sup.call('a', command('echo:meanwhile'))).tag, 'ok');
  controller.abort('done');
  assert.deepEqual(await slow, { tag: 'interrupted', reason: 'done' });
});

test('ping is answered by the runtime itself with its payload', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  assert.deepEqual(await sup.call('a', { type: 'ping', payload: 'marco' }), { tag: 'ok', value: 'marco' });
  assert.deepEqual(await sup.call('a', { type: 'ping' }), { tag: 'ok', value: null });
});

test('progress and emit frames are forwarded as frame events, and progress reaches the call\'s onProgress', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  const seen: unknown[] = [];
  await sup.call('a', command('progress'), { onProgress: (body) => seen.push(body) });
  await sup.call('a', command('emit'));
  assert.deepEqual(seen, [{ type: 'progress', note: 'working', data: { step: 1 } }]);
  const frames = rec.of('frame');
  assert.deepEqual(frames.map((e) => [e.id, e.body]), [
    ['a', { type: 'progress', note: 'working', data: { step: 1 } }],
    ['a', { type: 'emit', event: { type: 'run.note', level: 'info', message: 'hello from the fixture' } }],
  ]);
  assert.ok(frames.every((e) => typeof e.re === 'string' && e.re.length > 0), 'frames made inside a request carry its id');
});

test('cancel via AbortSignal sends cancel and yields interrupted with the abort reason', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  const controller = new AbortController();
  const call = sup.call('a', command('hang'), { signal: controller.signal, timeoutMs: 30_000 });
  await rec.waitFor(hanging);
  controller.abort('user pressed stop');
  assert.deepEqual(await call, { tag: 'interrupted', reason: 'user pressed stop' });
  assert.equal(rec.of('child-exited').length, 0, 'cancellation is data, not a failure');
});

test('an already aborted signal yields interrupted without contacting the actor', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  assert.deepEqual(await sup.call('a', command('echo:x'), { signal: AbortSignal.abort('too late') }), { tag: 'interrupted', reason: 'too late' });
});

test('a cancel the actor ignores gets its group killed after shutdownMs: the call rejects and the actor is restarted', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a', {}, { shutdownMs: 300 })] });
  await sup.start();
  const controller = new AbortController();
  const call = sup.call('a', command('hang-ignoring-cancel'), { signal: controller.signal, timeoutMs: 30_000 });
  await rec.waitFor(hanging);
  controller.abort('stop it');
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof ActorExitedError);
    assert.equal(error.reason, 'killed: cancel of "append" not answered within 300 ms');
    assert.equal(error.signal, 'SIGKILL');
    return true;
  });
  await rec.waitFor((e) => e.type === 'child-started' && e.restarts === 1);
});

test('a call that gets no reply in time rejects with CallTimeoutError; the late reply is dropped and reported', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  await assert.rejects(sup.call('a', command('hang'), { timeoutMs: 200 }), (error: unknown) => {
    assert.ok(error instanceof CallTimeoutError);
    assert.equal(error.message, 'actor "a" did not answer "append" within 200 ms');
    return true;
  });
  // The timeout also cancelled the request; the actor's `interrupted` answer arrives late.
  const late = await rec.waitFor((e) => e.type === 'protocol-error');
  assert.ok(late.type === 'protocol-error');
  assert.match(late.summary, /^late reply to request \S+ dropped/);
  assert.equal((await sup.call('a', command('echo:fine'))).tag, 'ok');
});

test('waiting for a worker in backoff counts against the call timeout, and an abort while waiting yields interrupted', async (t) => {
  const { sup, rec } = supervise(t, {
    type: 'supervisor', id: 'root', intensity: 5,
    children: [worker('a', {}, { backoff: { minMs: 60_000, maxMs: 60_000, randomFactor: 0 } })],
  });
  await sup.start();
  await assert.rejects(sup.call('a', command('crash')), ActorExitedError);
  await rec.waitFor((e) => e.type === 'child-restarting');
  await assert.rejects(sup.call('a', command('echo:x'), { timeoutMs: 100 }), CallTimeoutError);
  const controller = new AbortController();
  const waiting = sup.call('a', command('echo:x'), { signal: controller.signal, timeoutMs: 30_000 });
  controller.abort('give up waiting');
  assert.deepEqual(await waiting, { tag: 'interrupted', reason: 'give up waiting' });
});

test('calls to an unknown id or to a supervisor reject with ChildUnavailableError', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [{ type: 'supervisor', id: 'sub', children: [worker('a')] }] });
  await sup.start();
  await assert.rejects(sup.call('nobody', command('echo:x')), /actor "nobody" is unavailable: no child with this id/);
  await assert.rejects(sup.call('sub', command('echo:x')), /actor "sub" is unavailable: is a supervisor/);
  await sup.whenRunning('sub');
  assert.equal(sup.status('nobody'), undefined);
});

test('a frame that fails its schema yields a protocol-error event and the actor keeps working', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  assert.deepEqual(await sup.call('a', command('invalid-frame')), { tag: 'ok', value: 'sent' });
  const event = await rec.waitFor((e) => e.type === 'protocol-error');
  assert.ok(event.type === 'protocol-error');
  assert.equal(event.id, 'a');
  assert.match(event.summary, /Invalid type: Expected string but received 42 → at body\.note/);
  assert.equal(rec.of('frame').length, 0, 'an invalid frame is never forwarded');
  assert.equal((await sup.call('a', command('echo:still'))).tag, 'ok');
  assert.equal(rec.of('child-exited').length, 0);
});

test('a reply that fails its schema rejects its call with ProtocolError', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  await assert.rejects(sup.call('a', command('invalid-reply')), (error: unknown) => {
    assert.ok(error instanceof ProtocolError);
    assert.match(error.message, /actor "a" sent a reply that fails its schema: .*body\.result\.tag/);
    return true;
  });
  assert.equal(rec.of('protocol-error').length, 1);
});

test('whenRunning rejects for an unknown id', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [] });
  await sup.start();
  await assert.rejects(sup.whenRunning('ghost'), ChildUnavailableError);
});
