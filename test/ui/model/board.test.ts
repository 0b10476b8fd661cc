import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldBoard } from '../../../src/board/fold.js';
import { columns } from '../../../ui/model/board.js';
import { created, mergedTask, runningTask, runStarted, stamp } from '../../helpers/board-events.js';

test('the board puts each task in the column of its stage, with dependency chips and critical-path marks', () => {
  const view = foldBoard(stamp([
    runStarted(),
    created('t1'), created('t2', 'backend', ['t1']), created('t3', 'frontend', ['t2']), created('t4', 'frontend'), created('t5'),
    ...mergedTask('t1', 'backend', 0, 10),
    ...runningTask('t4', 'frontend', 20),
    [30, { type: 'task.escalated', taskId: 't5', reason: 'gave up' }],
  ]));
  const cols = columns(view, new Set(['t2', 't3']), 50);
  const where = Object.fromEntries(cols.flatMap((c) => c.cards.map((card) => [card.id, c.key])));
  assert.deepEqual(where, { t1: 'merged', t2: 'waiting', t3: 'waiting', t4: 'agent', t5: 'escalated' });
  assert.deepEqual(cols.map((c) => c.key), ['waiting', 'agent', 'gate', 'review', 'merge', 'merged', 'escalated']);
  const cards = Object.fromEntries(cols.flatMap((c) => c.cards).map((card) => [card.id, card]));
  assert.deepEqual(cards['t2']!.deps, [{ id: 't1', merged: true }]);
  assert.deepEqual(cards['t3']!.deps, [{ id: 't2', merged: false }]);
  assert.equal(cards['t2']!.ready, true);
  assert.equal(cards['t3']!.ready, false);
  assert.equal(cards['t2']!.critical, true);
  assert.equal(cards['t4']!.critical, false);
  assert.equal(cards['t4']!.elapsedMs, 30);
  assert.equal(cards['t1']!.note, 'merged abcdef1');
  assert.equal(cards['t5']!.note, 'gave up');
});
