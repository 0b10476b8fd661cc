import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BoardWriter, readBoard, formatBoardProblem } from '../../src/board/store.js';
import { tempDir } from '../helpers/temp.js';

function writer(dir: string, now = () => 1000): BoardWriter {
  return new BoardWriter({ eventsFile: join(dir, 'events.jsonl'), costsFile: join(dir, 'costs.jsonl'), now });
}

test('the writer assigns consecutive seqs, stamps v and ts, and writes one line per event', (t) => {
  const dir = tempDir(t);
  const w = writer(dir);
  const a = w.append({ type: 'task.ready', taskId: 't1' });
  const b = w.append({ type: 'run.note', level: 'info', message: 'hi' });
  w.close();
  assert.deepEqual([a.seq, b.seq], [1, 2]);
  assert.equal(a.v, 1);
  assert.equal(readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').length, 2);
});

test('a second writer continues the sequence of the existing board', (t) => {
  const dir = tempDir(t);
  const first = writer(dir);
  first.append({ type: 'task.ready', taskId: 't1' });
  first.close();
  const second = writer(dir);
  assert.equal(second.append({ type: 'task.ready', taskId: 't2' }).seq, 2);
  second.close();
});

test('an invalid draft is refused and nothing is written', (t) => {
  const dir = tempDir(t);
  const w = writer(dir);
  assert.throws(() => w.append({ type: 'task.ready', taskId: 'bad id!' } as never));
  w.close();
  assert.equal(readFileSync(join(dir, 'events.jsonl'), 'utf8'), '');
});

test('cost events also go to costs.jsonl', (t) => {
  const dir = tempDir(t);
  const w = writer(dir);
  w.append({ type: 'cost.recorded', role: 'backend', taskId: 't1', phase: 'attempt', provider: 'claude', usd: 0.4, tokens: { input: 1, output: 2 } });
  w.close();
  const line = JSON.parse(readFileSync(join(dir, 'costs.jsonl'), 'utf8')) as Record<string, unknown>;
  assert.equal(line['usd'], 0.4);
  assert.equal(line['role'], 'backend');
});

test('a board with a torn last line still loads, and the torn line is reported with file and line', (t) => {
  const dir = tempDir(t);
  const w = writer(dir);
  w.append({ type: 'task.ready', taskId: 't1' });
  w.append({ type: 'task.ready', taskId: 't2' });
  w.close();
  const file = join(dir, 'events.jsonl');
  appendFileSync(file, '{"v":1,"seq":3,"ts":1,"type":"task.re');
  const read = readBoard(file);
  assert.equal(read.events.length, 2);
  assert.equal(read.problems.length, 1);
  assert.equal(read.problems[0]!.torn, true);
  assert.equal(read.problems[0]!.line, 3);
  assert.match(formatBoardProblem(read.problems[0]!), /events\.jsonl:3: torn last line/);
});

test('writing after a torn line starts a fresh line, so nothing valid is lost', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'events.jsonl');
  const w1 = writer(dir);
  w1.append({ type: 'task.ready', taskId: 't1' });
  w1.close();
  appendFileSync(file, '{"v":1,"seq"');
  const w2 = writer(dir);
  assert.equal(w2.append({ type: 'task.ready', taskId: 't2' }).seq, 2);
  w2.close();
  const read = readBoard(file);
  assert.deepEqual(read.events.map((e) => e.seq), [1, 2]);
  assert.equal(read.problems.length, 1);
  assert.equal(read.problems[0]!.line, 2);
});

test('unknown event types and versions are reported with their line, never skipped silently', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, [
    JSON.stringify({ v: 1, seq: 1, ts: 1, type: 'task.ready', taskId: 't1' }),
    JSON.stringify({ v: 1, seq: 2, ts: 1, type: 'task.teleported', taskId: 't1' }),
    JSON.stringify({ v: 9, seq: 3, ts: 1, type: 'task.ready', taskId: 't1' }),
    '',
  ].join('\n'));
  const read = readBoard(file);
  assert.equal(read.events.length, 1);
  assert.deepEqual(read.problems.map((p) => p.line), [2, 3]);
  assert.match(read.problems[1]!.message, /newer than this build/);
});

test('a tolerant reader accepts an extra field written by a newer build under the same version', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, `${JSON.stringify({ v: 1, seq: 1, ts: 1, type: 'task.ready', taskId: 't1', newField: true })}\n`);
  assert.equal(readBoard(file).events.length, 1);
});

test('an append retried with the same key, even by the next writer after a crash, is not written twice', (t) => {
  const dir = tempDir(t);
  const first = writer(dir);
  const written = first.append({ type: 'task.ready', taskId: 't1' }, 'key-1');
  first.close();
  const second = writer(dir);
  const again = second.append({ type: 'task.ready', taskId: 't1' }, 'key-1');
  const next = second.append({ type: 'task.ready', taskId: 't2' }, 'key-2');
  second.close();
  assert.equal(again.seq, written.seq);
  assert.equal(next.seq, 2);
  assert.deepEqual(readBoard(join(dir, 'events.jsonl')).events.map((e) => e.seq), [1, 2]);
});
