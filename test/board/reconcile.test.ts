import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BoardEvent } from '../../protocol/index.js';
import { describeConflict, reconcileBoards } from '../../src/board/reconcile.js';

const ev = (seq: number, key = `k${seq}`, type = 'task.ready'): BoardEvent => ({ v: 1, seq, ts: 1000 + seq, type, taskId: 't1', key } as BoardEvent);
const seqs = (events: readonly BoardEvent[]): number[] => events.map((e) => e.seq);
const range = (from: number, to: number, key?: (n: number) => string): BoardEvent[] => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i, key?.(from + i)));

test('equal copies need nothing', () => {
  assert.deepEqual(reconcileBoards(range(1, 5), range(1, 5)), { toMirror: [], toStream: [], stranded: [], conflict: null });
  assert.deepEqual(reconcileBoards([], []), { toMirror: [], toStream: [], stranded: [], conflict: null });
});

test('the stream ahead of the mirror (killed between the two writes; another machine): the mirror gets the rest', () => {
  const plan = reconcileBoards(range(1, 5), range(1, 3));
  assert.deepEqual(seqs(plan.toMirror), [4, 5]);
  assert.deepEqual(plan.toStream, []);
  assert.deepEqual(seqs(reconcileBoards(range(1, 5), []).toMirror), [1, 2, 3, 4, 5], 'a machine without a mirror gets all of it');
});

test('the mirror ahead of the stream (the server lost acknowledged writes): the rest is published again, in order', () => {
  const plan = reconcileBoards(range(1, 3), range(1, 6));
  assert.deepEqual(seqs(plan.toStream), [4, 5, 6]);
  assert.deepEqual(plan.toMirror, []);
  assert.deepEqual(seqs(reconcileBoards([], range(1, 2)).toStream), [1, 2], 'a server that lost the whole stream gets the whole board again');
});

test('copies that hold different events at one seq are a conflict, and nothing is copied either way', () => {
  const plan = reconcileBoards(range(1, 6), [...range(1, 3), ev(4, 'theirs', 'task.cancelled'), ev(5)]);
  assert.equal(plan.conflict?.seq, 4);
  assert.deepEqual([plan.toMirror, plan.toStream, plan.stranded], [[], [], []]);
  assert.equal(describeConflict(plan.conflict!), 'seq 4 is task.ready on the server but task.cancelled in this machine\'s copy');
  assert.equal(reconcileBoards(range(1, 3), [...range(1, 2), { ...ev(3), ts: 1 }]).conflict?.seq, 3, 'same key, different content');
});

test('mirror events past the stream after an unreadable mirror line are stranded, not published out of order', () => {
  const mirror = [...range(1, 4), ...range(6, 7)]; // line 5 did not parse
  const plan = reconcileBoards(range(1, 3), mirror);
  assert.deepEqual(seqs(plan.toStream), [4]);
  assert.deepEqual(seqs(plan.stranded), [6, 7]);
});
