/**
 * The child-side runtime spoken to by hand over a real fork (no supervisor): handshake, validation
 * of incoming frames, replies, cancel, shutdown, crash frames and exit on disconnect.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import test, { type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { FromActorSchema, PROTOCOL, type FromActor, type ToActorBody } from '../../protocol/messages.js';
import { ACTOR_ENTRY } from '../../supervisor/os-process.js';
import { killGroup } from '../../supervisor/process-group.js';
import { groupGone, processAlive, waitUntil } from '../supervisor/helpers.js';

const FIXTURE = fileURLToPath(new URL('../supervisor/actors/fixture.js', import.meta.url));

/** A forked actor and a typed view of what it sends. */
class Peer {
  readonly frames: FromActor[] = [];
  readonly invalid: unknown[] = [];
  readonly exit: Promise<{ code: number | null; signal: string | null }>;
  #waiters = new Set<() => void>();
  #next = 0;

  constructor(readonly child: ChildProcess) {
    child.on('message', (raw: unknown) => {
      const parsed = v.safeParse(FromActorSchema, raw);
      if (parsed.success) this.frames.push(parsed.output);
      else this.invalid.push(raw);
      for (const check of [...this.#waiters]) check();
    });
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  send(body: ToActorBody, extra: Record<string, unknown> = {}): string {
    const id = `m${++this.#next}`;
    this.child.send({ proto: PROTOCOL, id, from: 'test-sup', to: 'fixture', body, ...extra });
    return id;
  }

  request(message: string): string {
    return this.send({ type: 'append', key: message, event: { type: 'run.note', level: 'info', message } });
  }

  next(predicate: (frame: FromActor) => boolean): Promise<FromActor> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.frames.find(predicate);
        if (found === undefined) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => reject(new Error(`no matching frame; got ${JSON.stringify(this.frames)}`)), 15_000);
      this.#waiters.add(check);
      check();
    });
  }

  reply(re: string): Promise<FromActor> {
    return this.next((frame) => frame.re === re && frame.body.type === 'reply');
  }
}

function start(t: TestContext, module = FIXTURE): Peer {
  const child = fork(ACTOR_ENTRY, [module], { serialization: 'json', detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], execArgv: [] });
  t.after(() => { killGroup(child.pid!); });
  return new Peer(child);
}

async function ready(t: TestContext, input: unknown = {}): Promise<Peer> {
  const peer = start(t);
  const init = peer.send({ type: 'init', actorId: 'fixture', input });
  const frame = await peer.next((f) => f.re === init);
  assert.equal(frame.body.type, 'ready');
  return peer;
}

test('init is answered by ready with the actor\'s pid, correlated by re and addressed back to the sender', async (t) => {
  const peer = start(t);
  const init = peer.send({ type: 'init', actorId: 'fixture', input: {} });
  const frame = await peer.next((f) => f.re === init);
  assert.deepEqual(frame.body, { type: 'ready', pid: peer.child.pid });
  assert.equal(frame.proto, PROTOCOL);
  assert.equal(frame.from, 'fixture');
  assert.equal(frame.to, 'test-sup');
  assert.ok(frame.id.length >= 10, 'nanoid frame id');
});

test('input that fails the actor\'s schema is answered by init-failed and exit 1', async (t) => {
  const peer = start(t);
  const init = peer.send({ type: 'init', actorId: 'fixture', input: { start: 42 } });
  const frame = await peer.next((f) => f.re === init);
  assert.equal(frame.body.type, 'init-failed');
  assert.ok(frame.body.type === 'init-failed');
  assert.match(frame.body.error.message, /^invalid input for actor "fixture": .*start/);
  assert.deepEqual(await peer.exit, { code: 1, signal: null });
});

test('a request before init is answered fail not-ready', async (t) => {
  const peer = start(t);
  const id = peer.request('echo:early');
  const frame = await peer.reply(id);
  assert.deepEqual(frame.body, { type: 'reply', result: { tag: 'fail', code: 'not-ready', message: 'actor "actor" is not started yet' } });
});

test('ping is answered by the runtime with its payload', async (t) => {
  const peer = await ready(t);
  const id = peer.send({ type: 'ping', payload: 'x'.repeat(100) });
  assert.deepEqual((await peer.reply(id)).body, { type: 'reply', result: { tag: 'ok', value: 'x'.repeat(100) } });
});

test('an invalid frame with an id is answered fail protocol; one without an id is ignored; the actor keeps working', async (t) => {
  const peer = await ready(t);
  peer.child.send({ proto: 'loop/1', id: 'bad-1', from: 's', to: 'fixture', body: { type: 'nonsense' } });
  const answer = await peer.reply('bad-1');
  assert.ok(answer.body.type === 'reply' && answer.body.result.tag === 'fail');
  assert.equal(answer.body.result.code, 'protocol');
  assert.match(answer.body.result.message, /^invalid frame: .*body\.type/);
  peer.child.send({ hello: 'world' });
  const id = peer.request('echo:ok');
  assert.equal((await peer.reply(id)).body.type, 'reply');
  assert.equal(peer.invalid.length, 0, 'the actor never sends a frame that fails FromActorSchema');
});

test('an ok reply whose value is undefined is sent as null so it survives JSON', async (t) => {
  const peer = await ready(t);
  const id = peer.request('undefined');
  assert.deepEqual((await peer.reply(id)).body, { type: 'reply', result: { tag: 'ok', value: null } });
});

test('cancel aborts only its target request, which answers interrupted with the cancel reason', async (t) => {
  const peer = await ready(t);
  const first = peer.request('hang');
  const second = peer.request('hang');
  await peer.next((f) => f.re === second && f.body.type === 'progress');
  peer.send({ type: 'cancel', target: first, reason: 'not needed' }, { re: first });
  assert.deepEqual((await peer.reply(first)).body, { type: 'reply', result: { tag: 'interrupted', reason: 'not needed' } });
  assert.equal(peer.frames.some((f) => f.re === second && f.body.type === 'reply'), false);
});

test('shutdown interrupts requests in flight, runs stop(), kills adopted groups and exits 0', async (t) => {
  const peer = await ready(t, { adoptOnStart: true });
  const agent = (await peer.next((f) => f.body.type === 'progress' && f.body.note === 'agent-started')).body;
  assert.ok(agent.type === 'progress' && agent.pid !== undefined);
  const hanging = peer.request('hang');
  await peer.next((f) => f.re === hanging && f.body.type === 'progress');
  peer.send({ type: 'shutdown', reason: 'done' });
  assert.deepEqual((await peer.reply(hanging)).body, { type: 'reply', result: { tag: 'interrupted', reason: 'shutdown: done' } });
  assert.deepEqual(await peer.exit, { code: 0, signal: null });
  await waitUntil(() => groupGone(agent.pid!), 5_000, 'adopted group killed');
});

test('a handler that throws sends crash {name, message, stack}, kills adopted groups and exits 1', async (t) => {
  const peer = await ready(t);
  const adopted = await peer.reply(peer.request('adopt'));
  const agentPid = (adopted.body as { result: { value: { pid: number } } }).result.value.pid;
  peer.request('crash:boom');
  const crash = await peer.next((f) => f.body.type === 'crash');
  assert.ok(crash.body.type === 'crash');
  assert.equal(crash.body.error.name, 'Error');
  assert.equal(crash.body.error.message, 'fixture crashed on request boom');
  assert.match(crash.body.error.stack ?? '', /fixture\.js/);
  assert.deepEqual(await peer.exit, { code: 1, signal: null });
  await waitUntil(() => groupGone(agentPid), 5_000, 'adopted group killed');
});

test('an uncaught exception outside any request is reported as a crash', async (t) => {
  const peer = await ready(t, { start: 'crash-after-ready' });
  const crash = await peer.next((f) => f.body.type === 'crash');
  assert.ok(crash.body.type === 'crash');
  assert.equal(crash.body.error.message, 'fixture crashed after ready');
  assert.equal((await peer.exit).code, 1);
});

test('when the IPC channel closes (the supervisor died) the actor kills its adopted groups and its own group', async (t) => {
  const peer = await ready(t, { adoptOnStart: true });
  const agent = (await peer.next((f) => f.body.type === 'progress' && f.body.note === 'agent-started')).body;
  assert.ok(agent.type === 'progress' && agent.pid !== undefined);
  const helper = (await peer.reply(peer.request('spawn-helper'))).body as { result: { value: { pid: number } } };
  peer.child.disconnect();
  // It leads its own group, so it ends the whole group, itself and helpers included.
  assert.deepEqual(await peer.exit, { code: null, signal: 'SIGKILL' });
  await waitUntil(() => groupGone(agent.pid!), 5_000, 'adopted group killed');
  await waitUntil(() => !processAlive(helper.result.value.pid), 5_000, 'helper in the actor\'s own group killed');
});

test('shutdown before init exits 0 without starting the actor', async (t) => {
  const peer = start(t);
  peer.send({ type: 'shutdown', reason: 'never mind' });
  assert.deepEqual(await peer.exit, { code: 0, signal: null });
  assert.equal(peer.frames.length, 0);
});

test('frames behind the first request wait while the request schemas load, so a cancel sent right behind its request still reaches it', async (t) => {
  // The runtime checks control frames at once but loads the schemas of requests only when the
  // first request arrives; everything behind that request waits its turn.
  const peer = await ready(t);
  const hanging = peer.request('hang');
  peer.send({ type: 'cancel', target: hanging, reason: 'changed my mind' }, { re: hanging });
  const echoed = peer.request('echo:after');
  const ping = peer.send({ type: 'ping', payload: 'last' });
  assert.deepEqual((await peer.reply(hanging)).body, { type: 'reply', result: { tag: 'interrupted', reason: 'changed my mind' } });
  assert.deepEqual((await peer.reply(echoed)).body, { type: 'reply', result: { tag: 'ok', value: { echo: 'after', actorId: 'fixture', pid: peer.child.pid } } });
  assert.deepEqual((await peer.reply(ping)).body, { type: 'reply', result: { tag: 'ok', value: 'last' } });
});
