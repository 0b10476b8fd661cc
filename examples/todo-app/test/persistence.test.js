import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store.js';

function tempFolder(t) {
  const dir = mkdtempSync(join(tmpdir(), 'todo-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('todos written by one store are read back, in order, by the next one opened on the same file', async (t) => {
  const file = join(tempFolder(t), 'todos.json');
  const first = await openStore({ path: file });
  const a = await first.create({ title: 'a' });
  const b = await first.create({ title: 'b' });
  await first.update(a.id, { completed: true });
  const c = await first.create({ title: 'c' });
  await first.delete(b.id);

  const second = await openStore({ path: file });
  assert.deepEqual(second.list(), first.list());
  assert.deepEqual(second.list().map((todo) => todo.id), [a.id, c.id]);
  assert.equal(second.get(a.id).completed, true);
});

test('the file is versioned JSON holding the todos', async (t) => {
  const file = join(tempFolder(t), 'todos.json');
  const store = await openStore({ path: file });
  const todo = await store.create({ title: 'on disk' });
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { version: 1, todos: [todo] });
});

test('a missing file is an empty store, and nothing is written until the first change', async (t) => {
  const file = join(tempFolder(t), 'nested', 'deeper', 'todos.json');
  const store = await openStore({ path: file });
  assert.deepEqual(store.list(), []);
  assert.equal(existsSync(file), false);
  await store.create({ title: 'first' });
  assert.equal(existsSync(file), true, 'missing folders are created');
});

test('writes leave no temporary files behind, even when many changes race', async (t) => {
  const dir = tempFolder(t);
  const file = join(dir, 'todos.json');
  const store = await openStore({ path: file });
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.create({ title: `todo ${i}` })));
  assert.deepEqual(readdirSync(dir), ['todos.json']);
  const reopened = await openStore({ path: file });
  assert.deepEqual(reopened.list().map((todo) => todo.title), Array.from({ length: 20 }, (_, i) => `todo ${i}`));
});

test('a write that fails rejects the change and leaves memory and disk as they were', async (t) => {
  const dir = tempFolder(t);
  const file = join(dir, 'todos.json');
  const store = await openStore({ path: file });
  const kept = await store.create({ title: 'kept' });
  const before = readFileSync(file, 'utf8');
  // Replace the file with a non-empty folder: the final rename cannot succeed, whoever runs this.
  rmSync(file);
  mkdirSync(join(file, 'blocker'), { recursive: true });
  await assert.rejects(store.create({ title: 'lost' }));
  await assert.rejects(store.update(kept.id, { completed: true }));
  assert.deepEqual(store.list(), [kept], 'memory still matches the last good write');
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'the temp file was removed');
  rmSync(file, { recursive: true });
  writeFileSync(file, before);
  const done = await store.update(kept.id, { completed: true });
  assert.equal(done.completed, true, 'the store keeps working once the disk does');
});

test('a file that is not JSON is refused with its path, and left untouched', async (t) => {
  const file = join(tempFolder(t), 'todos.json');
  writeFileSync(file, '{"version": 1, "todos": [');
  await assert.rejects(openStore({ path: file }), (error) => error.message.includes(file) && /not valid JSON/.test(error.message));
  assert.equal(readFileSync(file, 'utf8'), '{"version": 1, "todos": [');
});

test('a JSON file of the wrong shape or with duplicate ids is refused', async (t) => {
  const dir = tempFolder(t);
  const todo = { id: 'x', title: 't', completed: false, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z' };
  const cases = [
    [[todo], /not a todo file/],
    [{ version: 2, todos: [] }, /not a todo file/],
    [{ version: 1, todos: [{ ...todo, completed: 'no' }] }, /not a todo file/],
    [{ version: 1, todos: [todo, todo] }, /same id/],
  ];
  for (const [index, [content, message]] of cases.entries()) {
    const file = join(dir, `case-${index}.json`);
    writeFileSync(file, JSON.stringify(content));
    await assert.rejects(openStore({ path: file }), message, JSON.stringify(content));
  }
});
