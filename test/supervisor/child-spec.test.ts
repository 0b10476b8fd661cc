import assert from 'node:assert/strict';
import test from 'node:test';
import { normalizeSupervisorSpec, type SupervisorSpec, type WorkerSpec } from '../../supervisor/child-spec.js';
import { InvalidChildSpecError } from '../../supervisor/errors.js';

const worker = (id: string, extra: Partial<WorkerSpec> = {}): WorkerSpec => ({ type: 'worker', id, module: '/abs/actor.js', input: {}, ...extra });
const tree = (children: SupervisorSpec['children'], extra: Partial<SupervisorSpec> = {}): SupervisorSpec => ({ type: 'supervisor', id: 'loop', children, ...extra });

test('defaults are OTP\'s: one_for_one, 1 restart in 5 s, permanent, 5000 ms shutdown, immediate restart, abort on a failed boot', () => {
  const spec = normalizeSupervisorSpec(tree([worker('board')]));
  assert.equal(spec.strategy, 'one_for_one');
  assert.equal(spec.intensity, 1);
  assert.equal(spec.periodMs, 5_000);
  assert.equal(spec.restart, 'permanent');
  assert.equal(spec.startFailure, 'abort');
  const child = spec.children[0];
  assert.ok(child?.type === 'worker');
  assert.equal(child.restart, 'permanent');
  assert.equal(child.shutdownMs, 5_000);
  assert.equal(child.startTimeoutMs, 10_000);
  assert.deepEqual(child.backoff, { minMs: 0, maxMs: 0, randomFactor: 0, resetAfterMs: 0 });
});

test('backoff without resetAfterMs resets after (minMs + maxMs) / 2, as in Akka', () => {
  const spec = normalizeSupervisorSpec(tree([worker('sme', { backoff: { minMs: 2_000, maxMs: 60_000, randomFactor: 0.2 } })]));
  assert.ok(spec.children[0]?.type === 'worker');
  assert.equal(spec.children[0].backoff.resetAfterMs, 31_000);
});

const INVALID: ReadonlyArray<{ name: string; spec: SupervisorSpec; message: RegExp }> = [
  { name: 'a duplicate id among siblings', spec: tree([worker('a'), worker('a')]), message: /"loop" › "a": duplicate id "a"/ },
  {
    name: 'a duplicate id in different subtrees',
    spec: tree([worker('sme'), { type: 'supervisor', id: 'role', children: [worker('sme')] }]),
    message: /"loop" › "role" › "sme": duplicate id "sme"/,
  },
  { name: 'a child with the root\'s id', spec: tree([worker('loop')]), message: /duplicate id "loop"/ },
  { name: 'an empty id', spec: tree([worker('')]), message: /id must be a non-empty string/ },
  { name: 'a relative module path', spec: tree([worker('a', { module: 'actors/a.js' })]), message: /module must be an absolute path/ },
  { name: 'an unknown restart type', spec: tree([worker('a', { restart: 'sometimes' as never })]), message: /restart must be one of permanent, transient, temporary/ },
  { name: 'an unknown strategy', spec: tree([], { strategy: 'simple_one_for_one' as never }), message: /strategy must be one of/ },
  { name: 'a negative intensity', spec: tree([], { intensity: -1 }), message: /intensity must be an integer ≥ 0/ },
  { name: 'a zero period', spec: tree([], { periodMs: 0 }), message: /periodMs must be a number of milliseconds between 1 and 2147483647, got 0/ },
  { name: 'a shutdown longer than a Node timer can hold', spec: tree([worker('a', { shutdownMs: 3e9 })]), message: /shutdownMs must be a number of milliseconds between 0 and 2147483647/ },
  { name: 'minMs above maxMs', spec: tree([worker('a', { backoff: { minMs: 5, maxMs: 1, randomFactor: 0 } })]), message: /backoff.minMs \(5\) is greater than backoff.maxMs \(1\)/ },
  { name: 'a negative jitter', spec: tree([worker('a', { backoff: { minMs: 1, maxMs: 2, randomFactor: -1 } })]), message: /randomFactor must be a number ≥ 0/ },
  { name: 'a zero start timeout', spec: tree([worker('a', { startTimeoutMs: 0 })]), message: /startTimeoutMs must be/ },
  { name: 'an unknown startFailure', spec: tree([], { startFailure: 'ignore' as never }), message: /startFailure must be "abort" or "retry"/ },
  { name: 'a non-string env value', spec: tree([worker('a', { env: { N: 1 as never } })]), message: /env.N must be a string/ },
];
for (const row of INVALID) {
  test(`a spec with ${row.name} is rejected with its path`, () => {
    assert.throws(() => normalizeSupervisorSpec(row.spec), (error: unknown) => {
      assert.ok(error instanceof InvalidChildSpecError);
      assert.match(error.message, row.message);
      return true;
    });
  });
}
