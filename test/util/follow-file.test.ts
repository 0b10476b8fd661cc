/** Following a file another process appends to: complete lines only, as they are written, and files that appear later. */
import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { FileFollower, whenFileExists } from '../../src/util/follow-file.js';
import { waitFor } from '../helpers/loop-cli.js';
import { tempDir } from '../helpers/temp.js';

test('lines are handed over as they are appended; a partial line waits for its end', async (t) => {
  const file = join(tempDir(t), 'a.log');
  writeFileSync(file, 'one\ntw');
  const seen: string[] = [];
  const follower = new FileFollower(file, (lines) => seen.push(...lines)).watch();
  t.after(() => follower.stop());
  assert.deepEqual(seen, ['one']);
  appendFileSync(file, 'o\nthree\n');
  await waitFor('the appended lines', () => seen.length === 3);
  assert.deepEqual(seen, ['one', 'two', 'three']);
  appendFileSync(file, 'no newline yet');
  follower.readNow();
  assert.equal(seen.length, 3);
  follower.flushPartial();
  assert.deepEqual(seen.at(-1), 'no newline yet');
});

test('a file that does not exist yet is followed from the moment it appears', async (t) => {
  const file = join(tempDir(t), 'later.log');
  const seen: string[] = [];
  const follower = new FileFollower(file, (lines) => seen.push(...lines)).watch();
  t.after(() => follower.stop());
  writeFileSync(file, 'first\n');
  await waitFor('the new file', () => seen.length === 1);
  appendFileSync(file, 'second\n');
  await waitFor('its next line', () => seen.length === 2);
  assert.deepEqual(seen, ['first', 'second']);
});

test('multi-byte characters split across reads come out whole', async (t) => {
  const file = join(tempDir(t), 'utf8.log');
  const text = `${'é'.repeat(40_000)}→\n`;
  writeFileSync(file, text);
  const seen: string[] = [];
  new FileFollower(file, (lines) => seen.push(...lines)).readNow();
  assert.deepEqual(seen, [text.trimEnd()]);
});

test('whenFileExists resolves with the content a rename puts in place, once it is acceptable, or null on abort', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'run.json');
  writeFileSync(file, '{"pid":1}');
  const waiting = whenFileExists(file, undefined, (text) => text.includes('"pid":2'));
  writeFileSync(join(dir, 'tmp'), '{"pid":2}');
  renameSync(join(dir, 'tmp'), file);
  assert.equal(await waiting, '{"pid":2}');
  const abort = new AbortController();
  const never = whenFileExists(join(dir, 'never'), abort.signal);
  abort.abort();
  assert.equal(await never, null);
});
