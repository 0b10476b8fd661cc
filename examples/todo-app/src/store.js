/**
 * The todo store: validated todos in memory, optionally persisted to a JSON file.
 *
 * Reads (`list`, `get`) are synchronous and see only committed state. Mutations are queued one at
 * a time; each computes the next state on a copy, writes it to disk when a path is set, and only
 * then makes it current. A failed write therefore leaves both the file and memory as they were,
 * and the caller gets the error. Todo records are frozen and replaced, never edited in place.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export const MAX_TITLE_LENGTH = 200;
export const FILTERS = Object.freeze(['all', 'active', 'completed']);
const FILE_VERSION = 1;

/** Bad input from a caller; `message` is safe to show to a user. */
export class ValidationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ValidationError';
  }
}

/**
 * Opens a store. With `path`, todos are loaded from that JSON file (a missing file is an empty
 * store) and every change is written back atomically. `now` and `newId` exist for tests.
 */
export async function openStore({ path, now = () => new Date(), newId = randomUUID } = {}) {
  const todos = path ? await loadFile(path) : [];
  return new TodoStore({ todos, path, now, newId });
}

export class TodoStore {
  #todos;
  #path;
  #now;
  #newId;
  #queue = Promise.resolve();
  #writes = 0;

  constructor({ todos = [], path, now = () => new Date(), newId = randomUUID } = {}) {
    this.#todos = new Map(todos.map((todo) => [todo.id, Object.freeze({ ...todo })]));
    this.#path = path;
    this.#now = now;
    this.#newId = newId;
  }

  /** Todos in creation order; `filter` is `all` (default), `active` or `completed`. */
  list(filter = 'all') {
    if (!FILTERS.includes(filter)) {
      throw new ValidationError(`filter must be one of ${FILTERS.join(', ')}`);
    }
    const all = [...this.#todos.values()];
    if (filter === 'active') return all.filter((todo) => !todo.completed);
    if (filter === 'completed') return all.filter((todo) => todo.completed);
    return all;
  }

  /** The todo with this id, or null. */
  get(id) {
    return this.#todos.get(id) ?? null;
  }

  /** Counts for the UI footer. */
  counts() {
    let completed = 0;
    for (const todo of this.#todos.values()) if (todo.completed) completed += 1;
    return { total: this.#todos.size, active: this.#todos.size - completed, completed };
  }

  /** Creates a todo from `{title, completed?}`; throws ValidationError on bad input. */
  async create(input) {
    const fields = checkFields(input, { requireTitle: true });
    return this.#commit((todos) => {
      const stamp = this.#now().toISOString();
      const todo = Object.freeze({
        id: this.#newId(),
        title: fields.title,
        completed: fields.completed ?? false,
        createdAt: stamp,
        updatedAt: stamp,
      });
      todos.set(todo.id, todo);
      return todo;
    });
  }

  /** Applies `{title?, completed?}` to a todo; resolves to the updated todo, or null when there is none. */
  async update(id, patch) {
    const fields = checkFields(patch, { requireTitle: false });
    return this.#commit((todos) => {
      const current = todos.get(id);
      if (!current) return null;
      const next = Object.freeze({ ...current, ...fields, updatedAt: this.#now().toISOString() });
      todos.set(id, next);
      return next;
    });
  }

  /** Resolves to true when a todo was deleted, false when there was none. */
  async delete(id) {
    return this.#commit((todos) => todos.delete(id));
  }

  /** Deletes every completed todo; resolves to how many were deleted. */
  async clearCompleted() {
    return this.#commit((todos) => {
      let deleted = 0;
      for (const [id, todo] of todos) {
        if (todo.completed) {
          todos.delete(id);
          deleted += 1;
        }
      }
      return deleted;
    });
  }

  #commit(change) {
    const step = async () => {
      const next = new Map(this.#todos);
      const result = change(next);
      if (this.#path) await this.#save(next);
      this.#todos = next;
      return result;
    };
    const done = this.#queue.then(step);
    this.#queue = done.catch(() => {});
    return done;
  }

  async #save(todos) {
    this.#writes += 1;
    const body = JSON.stringify({ version: FILE_VERSION, todos: [...todos.values()] }, null, 2) + '\n';
    await writeFileAtomic(this.#path, body, `${process.pid}.${this.#writes}`);
  }
}

/** Checks a create/update body and returns only the fields to apply. */
function checkFields(input, { requireTitle }) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError('the body must be a JSON object');
  }
  const unknown = Object.keys(input).filter((key) => key !== 'title' && key !== 'completed');
  if (unknown.length > 0) {
    throw new ValidationError(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; only "title" and "completed" can be set`);
  }
  const fields = {};
  if ('title' in input || requireTitle) fields.title = checkTitle(input.title);
  if ('completed' in input) {
    if (typeof input.completed !== 'boolean') throw new ValidationError('completed must be true or false');
    fields.completed = input.completed;
  }
  if (!requireTitle && Object.keys(fields).length === 0) {
    throw new ValidationError('nothing to update; send "title" and/or "completed"');
  }
  return fields;
}

function checkTitle(title) {
  if (title === undefined || title === null) throw new ValidationError('title is required');
  if (typeof title !== 'string') throw new ValidationError('title must be a string');
  const trimmed = title.trim();
  if (trimmed.length === 0) throw new ValidationError('title must not be empty');
  // Code points, so an emoji counts as one character, as a user would count it.
  if ([...trimmed].length > MAX_TITLE_LENGTH) {
    throw new ValidationError(`title must be at most ${MAX_TITLE_LENGTH} characters`);
  }
  return trimmed;
}

async function loadFile(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  // A file we cannot read is someone's data: refuse to start rather than overwrite it.
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; fix or move it away, then start again`);
  }
  if (!data || data.version !== FILE_VERSION || !Array.isArray(data.todos) || !data.todos.every(isTodoRecord)) {
    throw new Error(`${path} is not a todo file (expected {"version": ${FILE_VERSION}, "todos": [...]}); fix or move it away, then start again`);
  }
  if (new Set(data.todos.map((todo) => todo.id)).size !== data.todos.length) {
    throw new Error(`${path} holds two todos with the same id; fix or move it away, then start again`);
  }
  return data.todos;
}

function isTodoRecord(value) {
  return value !== null && typeof value === 'object'
    && typeof value.id === 'string' && typeof value.title === 'string'
    && typeof value.completed === 'boolean'
    && typeof value.createdAt === 'string' && typeof value.updatedAt === 'string';
}

/**
 * Writes a temp file beside the target, flushes it to disk, then renames it over the target:
 * a reader (or a crash) sees either the old file or the new one, never half of one.
 */
async function writeFileAtomic(path, text, tag) {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${tag}.tmp`;
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
