import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineReader } from '../../../ui/live/lines.js';
import { tempDir } from '../../helpers/temp.js';

test('a line caught mid-write is handed out whole on the next read, never in pieces', (t) => {
  const file = join(tempDir(t), 'events.jsonl');
  const reader = new LineReader(file);
  assert.deepEqual(reader.read().lines, [], 'a missing file reads as nothing yet');
  writeFileSync(file, '{"a":1}\n{"b":');
  assert.deepEqual(reader.read().lines, ['{"a":1}']);
  assert.deepEqual(reader.read().lines, []);
  appendFileSync(file, '2}\n{"c":3}\n');
  assert.deepEqual(reader.read().lines, ['{"b":2}', '{"c":3}']);
  assert.equal(reader.lineCount, 3);
});

test('multi-byte characters split across reads come out intact', (t) => {
  const file = join(tempDir(t), 'log');
  const reader = new LineReader(file);
  const text = Buffer.from('héllo ✓ wörld\n');
  writeFileSync(file, text.subarray(0, 9));
  assert.deepEqual(reader.read().lines, []);
  appendFileSync(file, text.subarray(9));
  assert.deepEqual(reader.read().lines, ['héllo ✓ wörld']);
});

test('a file that shrank was replaced: the reader says so and starts over', (t) => {
  const file = join(tempDir(t), 'events.jsonl');
  writeFileSync(file, 'one\ntwo\n');
  const reader = new LineReader(file);
  assert.deepEqual(reader.read().lines, ['one', 'two']);
  writeFileSync(file, 'x\n');
  assert.equal(reader.read().reset, true);
  assert.deepEqual(reader.read().lines, ['x']);
});
