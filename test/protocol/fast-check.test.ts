import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { BoardEventReadSchema } from '../../protocol/board-events.js';
import { compileCheck } from '../../protocol/fast-check.js';

const schemaOf = (type: string) => BoardEventReadSchema.options.find((s) => s.entries.type.literal === type)!;

/** Each sample is checked by valibot and by the compiled check; both must agree. */
const samples: Array<[string, Record<string, unknown>]> = [
  ['a valid task.created', { v: 1, seq: 1, ts: 5, type: 'task.created', taskId: 't1', title: 'T', role: 'be', dependsOn: ['t0'], acceptance: ['x'] }],
  ['a task id with a space', { v: 1, seq: 1, ts: 5, type: 'task.created', taskId: 't 1', title: 'T', role: 'be', dependsOn: [], acceptance: [] }],
  ['a missing field', { v: 1, seq: 1, ts: 5, type: 'task.created', taskId: 't1', role: 'be', dependsOn: [], acceptance: [] }],
  ['a number where a string belongs', { v: 1, seq: 1, ts: 5, type: 'task.ready', taskId: 7 }],
  ['seq 0', { v: 1, seq: 0, ts: 5, type: 'task.ready', taskId: 't1' }],
  ['a fractional seq', { v: 1, seq: 1.5, ts: 5, type: 'task.ready', taskId: 't1' }],
  ['an extra field (tolerated)', { v: 1, seq: 1, ts: 5, type: 'task.ready', taskId: 't1', newer: true }],
  ['a bad picklist value', { v: 1, seq: 2, ts: 5, type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'exploded', summary: '', durationMs: 1, usd: 0 }],
  ['a valid attempt.finished with an optional field', { v: 1, seq: 2, ts: 5, type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'failed', errorKind: 'auth', summary: 's', durationMs: 1, usd: 0.2 }],
  ['negative dollars', { v: 1, seq: 2, ts: 5, type: 'cost.recorded', role: 'be', phase: 'attempt', provider: 'p', usd: -1, tokens: { input: 1, output: 1 } }],
  ['nested tokens of the wrong type', { v: 1, seq: 2, ts: 5, type: 'cost.recorded', role: 'be', phase: 'attempt', provider: 'p', usd: 1, tokens: { input: '1', output: 1 } }],
  ['a nullable budget', { v: 1, seq: 1, ts: 1, type: 'run.started', runId: 'r', goal: 'g', mode: 'dry-run', configHash: 'h', configFile: 'f', pid: 1, roles: [], budgetUsd: null, maxParallel: 2 }],
  ['notes with a bad criterion', { v: 1, seq: 3, ts: 5, type: 'review.accepted', taskId: 't1', attempt: 1, critic: 'qa', reasons: [], notes: [{ criterion: 1, met: true }] }],
  ['NaN where a number belongs', { v: 1, seq: 3, ts: Number.NaN, type: 'task.ready', taskId: 't1' }],
];

for (const [what, sample] of samples) {
  test(`the compiled check agrees with valibot on ${what}`, () => {
    const schema = schemaOf(sample['type'] as string);
    const check = compileCheck(schema);
    assert.ok(check, 'board event schemas compile');
    assert.equal(check(sample), v.safeParse(schema, sample).success);
  });
}

test('every board event schema compiles to a fast check', () => {
  for (const schema of BoardEventReadSchema.options) assert.ok(compileCheck(schema), schema.entries.type.literal);
});

test('a schema kind the compiler does not know compiles to null, so the caller uses valibot', () => {
  assert.equal(compileCheck(v.date()), null);
  assert.equal(compileCheck(v.pipe(v.string(), v.email())), null);
});
