import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TITLE_LENGTH, openStore, ValidationError } from '../src/store.js';

/** A store with a clock that ticks one second per call and ids todo-1, todo-2, … */
async function memoryStore() {
  let tick = 0;
  let id = 0;
  return openStore({
    now: () => new Date(Date.UTC(2024, 0, 1, 12, 0, tick++)),
    newId: () => `todo-${++id}`,
  });
}

test('create trims the title and stamps id, completed=false, createdAt and updatedAt', async () => {
  const store = await memoryStore();
  const todo = await store.create({ title: '  buy milk  ' });
  assert.deepEqual(todo, {
    id: 'todo-1',
    title: 'buy milk',
    completed: false,
    createdAt: '2024-01-01T12:00:00.000Z',
    updatedAt: '2024-01-01T12:00:00.000Z',
  });
  assert.deepEqual(store.get('todo-1'), todo);
});

test('create accepts completed=true', async () => {
  const store = await memoryStore();
  assert.equal((await store.create({ title: 'done already', completed: true })).completed, true);
});

test('create refuses a missing, non-string, blank or too long title with a ValidationError', async () => {
  const store = await memoryStore();
  const cases = [
    [{}, /title is required/],
    [{ title: null }, /title is required/],
    [{ title: 42 }, /title must be a string/],
    [{ title: '   ' }, /must not be empty/],
    [{ title: 'x'.repeat(MAX_TITLE_LENGTH + 1) }, new RegExp(`at most ${MAX_TITLE_LENGTH}`)],
  ];
  for (const [input, message] of cases) {
    await assert.rejects(store.create(input), (error) => error instanceof ValidationError && message.test(error.message), JSON.stringify(input));
  }
  assert.equal(store.list().length, 0, 'nothing was created');
});

test('a title of exactly the maximum length is accepted, counting an emoji as one character', async () => {
  const store = await memoryStore();
  const todo = await store.create({ title: '🙂'.repeat(MAX_TITLE_LENGTH) });
  assert.equal([...todo.title].length, MAX_TITLE_LENGTH);
});

test('create refuses non-objects, unknown fields and a non-boolean completed', async () => {
  const store = await memoryStore();
  for (const input of [null, 'milk', ['milk'], 7]) {
    await assert.rejects(store.create(input), /must be a JSON object/);
  }
  await assert.rejects(store.create({ title: 'x', id: 'mine' }), /unknown field "id"/);
  await assert.rejects(store.create({ title: 'x', completed: 'yes' }), /completed must be true or false/);
});

test('list keeps creation order and filters active and completed todos', async () => {
  const store = await memoryStore();
  const a = await store.create({ title: 'a' });
  const b = await store.create({ title: 'b', completed: true });
  const c = await store.create({ title: 'c' });
  assert.deepEqual(store.list().map((t) => t.id), [a.id, b.id, c.id]);
  assert.deepEqual(store.list('all').map((t) => t.id), [a.id, b.id, c.id]);
  assert.deepEqual(store.list('active').map((t) => t.id), [a.id, c.id]);
  assert.deepEqual(store.list('completed').map((t) => t.id), [b.id]);
  assert.deepEqual(store.counts(), { total: 3, active: 2, completed: 1 });
});

test('list refuses an unknown filter', async () => {
  const store = await memoryStore();
  assert.throws(() => store.list('done'), (error) => error instanceof ValidationError && /filter must be one of all, active, completed/.test(error.message));
});

test('get returns null for an unknown id', async () => {
  const store = await memoryStore();
  assert.equal(store.get('nope'), null);
});

test('update changes the title and completed, bumps updatedAt and keeps createdAt', async () => {
  const store = await memoryStore();
  const created = await store.create({ title: 'draft' });
  const renamed = await store.update(created.id, { title: ' final ' });
  assert.equal(renamed.title, 'final');
  assert.equal(renamed.createdAt, created.createdAt);
  assert.ok(renamed.updatedAt > created.updatedAt);
  const done = await store.update(created.id, { completed: true });
  assert.equal(done.completed, true);
  assert.equal(done.title, 'final');
  assert.deepEqual(store.get(created.id), done);
});

test('update of an unknown id resolves to null and changes nothing', async () => {
  const store = await memoryStore();
  assert.equal(await store.update('nope', { completed: true }), null);
  assert.equal(store.list().length, 0);
});

test('update refuses an empty patch, a blank title and unknown fields, and leaves the todo as it was', async () => {
  const store = await memoryStore();
  const todo = await store.create({ title: 'keep me' });
  await assert.rejects(store.update(todo.id, {}), /nothing to update/);
  await assert.rejects(store.update(todo.id, { title: '' }), /must not be empty/);
  await assert.rejects(store.update(todo.id, { createdAt: 'yesterday' }), /unknown field "createdAt"/);
  assert.deepEqual(store.get(todo.id), todo);
});

test('returned todos are frozen, so a caller cannot change the store behind its back', async () => {
  const store = await memoryStore();
  const todo = await store.create({ title: 'immutable' });
  assert.throws(() => {
    todo.title = 'changed';
  }, TypeError);
  assert.equal(store.get(todo.id).title, 'immutable');
});

test('delete removes one todo and reports whether it existed', async () => {
  const store = await memoryStore();
  const a = await store.create({ title: 'a' });
  const b = await store.create({ title: 'b' });
  assert.equal(await store.delete(a.id), true);
  assert.equal(await store.delete(a.id), false);
  assert.deepEqual(store.list().map((t) => t.id), [b.id]);
});

test('clearCompleted deletes only completed todos and returns how many', async () => {
  const store = await memoryStore();
  await store.create({ title: 'a', completed: true });
  const b = await store.create({ title: 'b' });
  await store.create({ title: 'c', completed: true });
  assert.equal(await store.clearCompleted(), 2);
  assert.deepEqual(store.list().map((t) => t.id), [b.id]);
  assert.equal(await store.clearCompleted(), 0);
});

test('concurrent changes are applied one at a time in call order', async () => {
  const store = await memoryStore();
  const created = await Promise.all(['a', 'b', 'c', 'd'].map((title) => store.create({ title })));
  assert.deepEqual(created.map((t) => t.title), ['a', 'b', 'c', 'd']);
  const [, , deleted] = await Promise.all([
    store.update(created[0].id, { completed: true }),
    store.update(created[1].id, { completed: true }),
    store.clearCompleted(),
  ]);
  assert.equal(deleted, 2);
  assert.deepEqual(store.list().map((t) => t.title), ['c', 'd']);
});
