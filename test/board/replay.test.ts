import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { BoardEventSchema, type BoardEvent, type BoardEventDraft } from '../../protocol/index.js';
import { applyEvent, foldBoard } from '../../src/board/fold.js';
import { loadBoard, saveSnapshot, snapshotFileOf, SnapshotKeeper, SNAPSHOT_AFTER_EVENTS } from '../../src/board/replay.js';
import { BoardWriter, readBoard } from '../../src/board/store.js';
import { tempDir } from '../helpers/temp.js';

/** Every event of one task's happy path, plus costs and a note, as the conductor would append them. */
function taskDrafts(taskId: string, dependsOn: string[] = []): BoardEventDraft[] {
  return [
    { type: 'task.created', taskId, title: `Task ${taskId} — naïve “quotes”`, role: 'be', dependsOn, acceptance: ['works'] },
    { type: 'task.ready', taskId },
    { type: 'task.dispatched', taskId, role: 'be', attempt: 1 },
    { type: 'attempt.started', taskId, attempt: 1, role: 'be', provider: 'sim', providerType: 'sim' },
    { type: 'cost.recorded', role: 'be', taskId, phase: 'attempt', provider: 'sim', usd: 0.01, tokens: { input: 10, output: 5 } },
    { type: 'attempt.finished', taskId, attempt: 1, outcome: 'ok', summary: 'done', durationMs: 3, usd: 0.01 },
    { type: 'gate.passed', taskId, attempt: 1, tests: 'passed', summary: 'tests passed', durationMs: 2 },
    { type: 'review.started', taskId, attempt: 1, critic: 'qa', provider: 'sim' },
    { type: 'review.accepted', taskId, attempt: 1, critic: 'qa', reasons: ['ok'], notes: [] },
    { type: 'task.merged', taskId, attempt: 1, sha: 'a'.repeat(40) },
  ];
}

const started: BoardEventDraft = { type: 'run.started', runId: 'r', goal: 'g', mode: 'dry-run', configHash: 'h', configFile: 'c', pid: 1, roles: ['be'], budgetUsd: null, maxParallel: 2 };

/** The lines the board writer would write (same schema, same field order), without a sync per line. */
function writeBoard(dir: string, drafts: BoardEventDraft[]): string {
  const eventsFile = join(dir, 'events.jsonl');
  const lines = drafts.map((draft, i) => JSON.stringify(v.parse(BoardEventSchema, { ...draft, v: 1, seq: i + 1, ts: 1_000 + 7 * i, key: `k${i}` })));
  writeFileSync(eventsFile, lines.map((line) => `${line}\n`).join(''));
  return eventsFile;
}

const tasks = (from: number, to: number): BoardEventDraft[] => Array.from({ length: to - from }, (_, i) => taskDrafts(`t${from + i}`)).flat();
const fullFold = (file: string) => foldBoard(readBoard(file).events);

test('without a snapshot, a load folds every line and equals the fold of the whole board', (t) => {
  const file = writeBoard(tempDir(t), [started, ...tasks(0, 3)]);
  const loaded = loadBoard(file, { writeSnapshot: false });
  assert.equal(loaded.snapshot, 'none');
  assert.equal(loaded.folded, 31);
  assert.deepEqual(loaded.view, fullFold(file));
  assert.equal(existsSync(snapshotFileOf(file)), false);
});

test('after a snapshot, a load folds only the lines after it and still equals the full fold', (t) => {
  const dir = tempDir(t);
  const file = writeBoard(dir, [started, ...tasks(0, 4)]);
  assert.equal(saveSnapshot(file, loadBoard(file, { writeSnapshot: false }).view, []), true);
  // The run goes on: more events after the snapshot (a new task, and one that depends on an old one).
  const writer = new BoardWriter({ eventsFile: file, costsFile: join(dir, 'costs.jsonl'), now: () => 9_999 });
  for (const draft of [...taskDrafts('t9', ['t1']), { type: 'run.note', level: 'info', message: 'after' } as BoardEventDraft]) writer.append(draft);
  writer.close();
  const loaded = loadBoard(file, { writeSnapshot: false });
  assert.equal(loaded.snapshot, 'used');
  assert.equal(loaded.folded, 11);
  assert.deepEqual(loaded.view, fullFold(file));
});

test('histories from a snapshot are read only when looked at, and then hold the very events of the board', (t) => {
  const file = writeBoard(tempDir(t), [started, ...tasks(0, 2)]);
  saveSnapshot(file, loadBoard(file, { writeSnapshot: false }).view, []);
  const { view } = loadBoard(file, { writeSnapshot: false });
  const descriptor = Object.getOwnPropertyDescriptor(view.tasks['t1']!, 'history')!;
  assert.equal(typeof descriptor.get, 'function', 'not parsed yet');
  assert.deepEqual(view.tasks['t1']!.history, fullFold(file).tasks['t1']!.history);
  assert.ok(Array.isArray(Object.getOwnPropertyDescriptor(view.tasks['t1']!, 'history')!.value), 'parsed once, then a plain array');
});

test('a snapshot that no longer matches the board is ignored, and the load is still exact', async (t) => {
  const cases: Array<[string, (file: string) => void, RegExp]> = [
    ['an early line was rewritten', (file) => writeFileSync(file, readFileSync(file, 'utf8').replace('"title":"Task t0', '"title":"Task tX')), /first lines differ/],
    ['the board was cut short', (file) => writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(0, 5).join('\n') + '\n'), /covers more than the board holds/],
    ['the snapshot is not JSON', (file) => writeFileSync(snapshotFileOf(file), '{"snapshot":1,'), /not valid JSON/],
    ['the snapshot is from another build', (file) => writeFileSync(snapshotFileOf(file), readFileSync(snapshotFileOf(file), 'utf8').replace(/"fold":"[0-9a-f]+"/, '"fold":"0000"')), /another build/],
  ];
  for (const [what, spoil, reason] of cases) {
    await t.test(what, (tt) => {
      const file = writeBoard(tempDir(tt), [started, ...tasks(0, 3)]);
      saveSnapshot(file, loadBoard(file, { writeSnapshot: false }).view, []);
      spoil(file);
      const loaded = loadBoard(file, { writeSnapshot: false });
      assert.match(loaded.snapshot, reason);
      assert.deepEqual(loaded.view, fullFold(file));
    });
  }
});

test('bad lines inside the snapshot are reported again, with the same line numbers as a full read', (t) => {
  const dir = tempDir(t);
  const file = writeBoard(dir, [started, ...tasks(0, 1)]);
  appendFileSync(file, '{"v":1,"seq":99,"ts":1,"type":"task.teleported","taskId":"t0"}\nnot json\n');
  const writer = new BoardWriter({ eventsFile: file, costsFile: join(dir, 'costs.jsonl') });
  for (const draft of tasks(1, 2)) writer.append(draft);
  writer.close();
  const first = loadBoard(file, { writeSnapshot: false });
  assert.equal(saveSnapshot(file, first.view, first.problems), true);
  for (const draft of [{ type: 'run.note', level: 'warn', message: 'tail' } as BoardEventDraft]) {
    const w = new BoardWriter({ eventsFile: file, costsFile: join(dir, 'costs.jsonl') });
    w.append(draft);
    w.close();
  }
  appendFileSync(file, '{"v":1,"seq":');
  const loaded = loadBoard(file, { writeSnapshot: false });
  assert.equal(loaded.snapshot, 'used');
  assert.deepEqual(loaded.problems, readBoard(file).problems);
  assert.deepEqual(loaded.problems.map((p) => [p.line, p.torn]), [[12, false], [13, false], [25, true]]);
  assert.deepEqual(loaded.view, fullFold(file));
});

test('a load that folds many lines leaves a snapshot for the next one', (t) => {
  const file = writeBoard(tempDir(t), [started, ...tasks(0, Math.ceil(SNAPSHOT_AFTER_EVENTS / 10))]);
  assert.equal(loadBoard(file).snapshot, 'none');
  const again = loadBoard(file);
  assert.equal(again.snapshot, 'used');
  assert.equal(again.folded, 0);
  assert.deepEqual(again.view, fullFold(file));
});

test('a live run keeps its snapshot fresh from the events it folded, which arrived over IPC rather than from the file', (t) => {
  const dir = tempDir(t);
  const eventsFile = join(dir, 'events.jsonl');
  const writer = new BoardWriter({ eventsFile, costsFile: join(dir, 'costs.jsonl') });
  const view = foldBoard([]);
  const every = 40;
  const keeper = new SnapshotKeeper(eventsFile, view, [], every);
  const drafts = [started, ...tasks(0, 5)];
  let snapshotAt = 0;
  for (const draft of drafts) {
    // A copy, as the supervisor gets it: not the object the writer holds.
    applyEvent(view, JSON.parse(JSON.stringify(writer.append(draft))) as BoardEvent);
    keeper.folded();
    if (snapshotAt === 0 && existsSync(snapshotFileOf(eventsFile))) snapshotAt = view.lastSeq;
  }
  writer.close();
  assert.equal(snapshotAt, every);
  keeper.close(); // 11 events since: too few for another one
  const loaded = loadBoard(eventsFile, { writeSnapshot: false });
  assert.equal(loaded.snapshot, 'used');
  assert.equal(loaded.folded, drafts.length - every);
  assert.deepEqual(loaded.view, fullFold(eventsFile));
});

test('snapshot at any cut of a board plus the fold of the rest equals the fold of the whole board', (t) => {
  const dir = tempDir(t);
  const whole = writeBoard(dir, [started, ...tasks(0, 3), { type: 'task.created', taskId: 'late', title: 'late', role: 'be', dependsOn: ['t1'], acceptance: [] }, { type: 'task.escalated', taskId: 'late', reason: 'gave up' }]);
  const lines = readFileSync(whole, 'utf8').split('\n').filter(Boolean);
  for (let cut = 1; cut < lines.length; cut += 3) {
    const file = join(dir, `cut-${cut}.jsonl`);
    writeFileSync(file, lines.slice(0, cut).map((l) => `${l}\n`).join(''));
    assert.equal(saveSnapshot(file, loadBoard(file, { writeSnapshot: false }).view, []), true);
    appendFileSync(file, lines.slice(cut).map((l) => `${l}\n`).join(''));
    const loaded = loadBoard(file, { writeSnapshot: false });
    assert.equal(loaded.snapshot, 'used', `cut ${cut}`);
    assert.equal(loaded.folded, lines.length - cut);
    assert.deepEqual(loaded.view, fullFold(file), `cut ${cut}`);
  }
});

test('the writer reopens a board from line heads: seq goes on and an append retried under an old key is not written twice', (t) => {
  const dir = tempDir(t);
  const file = writeBoard(dir, [started, ...tasks(0, 2)]);
  // A line in another shape (written by hand or an older build) is still read in full.
  appendFileSync(file, `${JSON.stringify({ type: 'run.note', seq: 22, v: 1, ts: 5, level: 'info', message: 'odd order', key: 'odd' })}\n`);
  const writer = new BoardWriter({ eventsFile: file, costsFile: join(dir, 'costs.jsonl') });
  const again = writer.append({ type: 'task.ready', taskId: 'zz' }, 'k3');
  assert.equal(again.type, 'task.dispatched', 'the event first written under that key');
  assert.equal(again.seq, 4);
  assert.equal(writer.append({ type: 'run.note', level: 'info', message: 'x' }, 'odd').seq, 22);
  assert.equal(writer.append({ type: 'run.note', level: 'info', message: 'new' }).seq, 23);
  writer.close();
  assert.equal(readBoard(file).events.length, 23);
});

test('offsets stay right after a line with a broken multi-byte character (a torn write that a later writer terminated)', (t) => {
  const dir = tempDir(t);
  const file = writeBoard(dir, [started, ...tasks(0, 1)]);
  // Half of "é" (0xc3 0xa9), then the newline the next writer adds, then more events.
  appendFileSync(file, Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xc3, 0x0a]));
  const writer = new BoardWriter({ eventsFile: file, costsFile: join(dir, 'costs.jsonl') });
  for (const draft of tasks(1, 3)) writer.append(draft);
  writer.close();
  assert.equal(saveSnapshot(file, loadBoard(file, { writeSnapshot: false }).view, readBoard(file).problems), true);
  const loaded = loadBoard(file, { writeSnapshot: false });
  assert.equal(loaded.snapshot, 'used');
  assert.deepEqual(loaded.view, fullFold(file), 'every history read back from the right line');
});
