import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, MAX_BODY_BYTES } from '../src/server.js';
import { openStore } from '../src/store.js';

const APP_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PUBLIC_DIR = join(APP_ROOT, 'public');

/** Starts the server on a free port with an in-memory store; stopped when the test ends. */
async function startServer(t, options = {}) {
  const store = options.store ?? (await openStore());
  const logged = [];
  const server = createServer({ store, publicDir: options.publicDir ?? PUBLIC_DIR, log: (line) => logged.push(line) });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  }));
  return { base: `http://127.0.0.1:${server.address().port}`, store, logged };
}

async function call(base, method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in init.headers)) init.headers['content-type'] = 'application/json';
  }
  const response = await fetch(base + path, init);
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, headers: response.headers, text, body: isJson && text ? JSON.parse(text) : null };
}

/** A GET with the path sent exactly as written (fetch would normalise `..` and `%2e%2e` away). */
function rawGet(base, path) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

function assertJsonError(result, status, pattern) {
  assert.equal(result.status, status, result.text);
  assert.match(result.headers.get('content-type'), /^application\/json/);
  assert.equal(typeof result.body?.error, 'string', result.text);
  if (pattern) assert.match(result.body.error, pattern);
}

test('POST /api/todos creates a todo: 201, a Location header and the stored todo', async (t) => {
  const { base } = await startServer(t);
  const created = await call(base, 'POST', '/api/todos', { title: '  write tests  ' });
  assert.equal(created.status, 201);
  assert.equal(created.body.title, 'write tests');
  assert.equal(created.body.completed, false);
  assert.equal(created.headers.get('location'), `/api/todos/${created.body.id}`);
  const fetched = await call(base, 'GET', created.headers.get('location'));
  assert.equal(fetched.status, 200);
  assert.deepEqual(fetched.body, created.body);
});

test('POST /api/todos refuses invalid input with 400 and a JSON error message', async (t) => {
  const { base, store } = await startServer(t);
  assertJsonError(await call(base, 'POST', '/api/todos', {}), 400, /title is required/);
  assertJsonError(await call(base, 'POST', '/api/todos', { title: '   ' }), 400, /must not be empty/);
  assertJsonError(await call(base, 'POST', '/api/todos', { title: 'x'.repeat(201) }), 400, /at most 200/);
  assertJsonError(await call(base, 'POST', '/api/todos', { title: 'x', owner: 'me' }), 400, /unknown field "owner"/);
  assertJsonError(await call(base, 'POST', '/api/todos', ['x']), 400, /JSON object/);
  assertJsonError(await call(base, 'POST', '/api/todos', '{"title": '), 400, /not valid JSON/);
  assertJsonError(await call(base, 'POST', '/api/todos', ''), 400, /empty/);
  assert.equal(store.list().length, 0);
});

test('GET /api/todos lists todos with counts and filters by ?filter=', async (t) => {
  const { base } = await startServer(t);
  const a = (await call(base, 'POST', '/api/todos', { title: 'a' })).body;
  const b = (await call(base, 'POST', '/api/todos', { title: 'b', completed: true })).body;
  const all = await call(base, 'GET', '/api/todos');
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.todos.map((todo) => todo.id), [a.id, b.id]);
  assert.deepEqual(all.body.counts, { total: 2, active: 1, completed: 1 });
  assert.deepEqual((await call(base, 'GET', '/api/todos?filter=all')).body.todos.map((todo) => todo.id), [a.id, b.id]);
  assert.deepEqual((await call(base, 'GET', '/api/todos?filter=active')).body.todos.map((todo) => todo.id), [a.id]);
  const completed = await call(base, 'GET', '/api/todos?filter=completed');
  assert.deepEqual(completed.body.todos.map((todo) => todo.id), [b.id]);
  assert.deepEqual(completed.body.counts, { total: 2, active: 1, completed: 1 }, 'counts are for every todo, whatever the filter');
  assertJsonError(await call(base, 'GET', '/api/todos?filter=done'), 400, /filter must be one of/);
});

test('GET /api/todos/:id answers 404 with a JSON error for an unknown id', async (t) => {
  const { base } = await startServer(t);
  assertJsonError(await call(base, 'GET', '/api/todos/no-such-id'), 404, /no-such-id/);
  assertJsonError(await call(base, 'GET', '/api/todos/%E0%A4%A'), 404);
});

test('PATCH /api/todos/:id updates title and completed; 400 for bad input, 404 for an unknown id', async (t) => {
  const { base } = await startServer(t);
  const todo = (await call(base, 'POST', '/api/todos', { title: 'draft' })).body;
  const path = `/api/todos/${todo.id}`;
  const renamed = await call(base, 'PATCH', path, { title: 'final', completed: true });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.title, 'final');
  assert.equal(renamed.body.completed, true);
  assert.equal(renamed.body.createdAt, todo.createdAt);
  assert.deepEqual((await call(base, 'GET', path)).body, renamed.body);
  assertJsonError(await call(base, 'PATCH', path, {}), 400, /nothing to update/);
  assertJsonError(await call(base, 'PATCH', path, { completed: 'yes' }), 400, /true or false/);
  assertJsonError(await call(base, 'PATCH', path, { id: 'other' }), 400, /unknown field "id"/);
  assertJsonError(await call(base, 'PATCH', '/api/todos/no-such-id', { completed: true }), 404);
  assert.deepEqual((await call(base, 'GET', path)).body, renamed.body, 'failed patches changed nothing');
});

test('DELETE /api/todos/:id answers 204 with no body, then 404', async (t) => {
  const { base, store } = await startServer(t);
  const todo = (await call(base, 'POST', '/api/todos', { title: 'temporary' })).body;
  const deleted = await call(base, 'DELETE', `/api/todos/${todo.id}`);
  assert.equal(deleted.status, 204);
  assert.equal(deleted.text, '');
  assert.equal(store.get(todo.id), null);
  assertJsonError(await call(base, 'DELETE', `/api/todos/${todo.id}`), 404);
});

test('DELETE /api/todos?completed=true clears completed todos; without the query it deletes nothing and answers 400', async (t) => {
  const { base, store } = await startServer(t);
  await call(base, 'POST', '/api/todos', { title: 'done 1', completed: true });
  const open = (await call(base, 'POST', '/api/todos', { title: 'open' })).body;
  await call(base, 'POST', '/api/todos', { title: 'done 2', completed: true });
  assertJsonError(await call(base, 'DELETE', '/api/todos'), 400, /completed=true/);
  assert.equal(store.list().length, 3);
  const cleared = await call(base, 'DELETE', '/api/todos?completed=true');
  assert.equal(cleared.status, 200);
  assert.deepEqual(cleared.body, { deleted: 2 });
  assert.deepEqual(store.list().map((todo) => todo.id), [open.id]);
});

test('a method a route does not support answers 405 with an Allow header', async (t) => {
  const { base } = await startServer(t);
  const todo = (await call(base, 'POST', '/api/todos', { title: 'x' })).body;
  const onCollection = await call(base, 'PUT', '/api/todos', { title: 'y' });
  assertJsonError(onCollection, 405);
  assert.equal(onCollection.headers.get('allow'), 'GET, POST, DELETE');
  const onItem = await call(base, 'POST', `/api/todos/${todo.id}`, { title: 'y' });
  assertJsonError(onItem, 405);
  assert.equal(onItem.headers.get('allow'), 'GET, PATCH, DELETE');
  const onStatic = await call(base, 'POST', '/index.html', '{}');
  assert.equal(onStatic.status, 405);
  assert.equal(onStatic.headers.get('allow'), 'GET, HEAD');
});

test('a body that is not JSON answers 415 and creates nothing', async (t) => {
  const { base, store } = await startServer(t);
  assertJsonError(await call(base, 'POST', '/api/todos', 'title=milk', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/);
  assertJsonError(await call(base, 'POST', '/api/todos', '{"title":"milk"}', { 'content-type': 'text/plain' }), 415);
  const todo = (await call(base, 'POST', '/api/todos', { title: 'x' }, { 'content-type': 'application/json; charset=utf-8' })).body;
  assertJsonError(await call(base, 'PATCH', `/api/todos/${todo.id}`, '{"completed":true}', { 'content-type': 'text/plain' }), 415);
  assert.equal(store.list().length, 1);
});

test('a body over the limit answers 413, whether its length is declared or streamed', async (t) => {
  const { base, store } = await startServer(t);
  const big = JSON.stringify({ title: 'x'.repeat(MAX_BODY_BYTES) });
  assertJsonError(await call(base, 'POST', '/api/todos', big), 413, new RegExp(`${MAX_BODY_BYTES} bytes`));
  const chunk = new TextEncoder().encode(' '.repeat(4096));
  const streamed = await fetch(`${base}/api/todos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    duplex: 'half',
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(chunk);
        controller.close();
      },
    }),
  });
  assert.equal(streamed.status, 413);
  assert.match((await streamed.json()).error, /bytes/);
  assert.equal(store.list().length, 0);
  // The server is still healthy afterwards.
  assert.equal((await call(base, 'POST', '/api/todos', { title: 'small' })).status, 201);
});

test('unknown API paths answer 404 with a JSON error', async (t) => {
  const { base } = await startServer(t);
  for (const path of ['/api', '/api/nope', '/api/todos/', '/api/todos/a/b']) {
    assertJsonError(await call(base, 'GET', path), 404);
  }
});

test('an unexpected store failure answers 500 with a JSON error and is logged', async (t) => {
  const broken = {
    list() {
      throw new Error('disk on fire');
    },
  };
  const { base, logged } = await startServer(t, { store: broken });
  const result = await call(base, 'GET', '/api/todos');
  assertJsonError(result, 500);
  assert.doesNotMatch(result.text, /disk on fire/, 'internals stay in the log');
  assert.match(logged.join('\n'), /disk on fire/);
});

test('the UI files are served with their content types, and the page with a content security policy', async (t) => {
  const { base } = await startServer(t);
  const page = await call(base, 'GET', '/');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(page.text, readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8'));
  assert.equal((await call(base, 'GET', '/index.html')).text, page.text);
  const script = await call(base, 'GET', '/app.js');
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(script.text, readFileSync(join(PUBLIC_DIR, 'app.js'), 'utf8'));
  const style = await call(base, 'GET', '/style.css');
  assert.equal(style.headers.get('content-type'), 'text/css; charset=utf-8');
  const head = await fetch(`${base}/style.css`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get('content-length')), readFileSync(join(PUBLIC_DIR, 'style.css')).length);
  assert.equal(await head.text(), '');
  const missing = await call(base, 'GET', '/nope.js');
  assert.equal(missing.status, 404);
});

test('no path reaches a file outside public/: .., encoded dots and slashes, backslashes, dotfiles', async (t) => {
  const { base } = await startServer(t);
  const secret = readFileSync(join(APP_ROOT, 'src', 'store.js'), 'utf8').slice(0, 80);
  const attempts = [
    '/../src/store.js',
    '/../../examples/todo-app/src/store.js',
    '/..%2fsrc%2fstore.js',
    '/%2e%2e/src/store.js',
    '/%2e%2e%2f%2e%2e%2fpackage.json',
    '/..%5csrc%5cstore.js',
    '/..\\src\\store.js',
    '/%2e%2e%2fpackage.json%00.html',
    '/./../package.json',
    '/.%2e/package.json',
    '//../package.json',
  ];
  for (const path of attempts) {
    const result = await rawGet(base, path);
    assert.equal(result.status, 404, `${path} answered ${result.status}`);
    assert.ok(!result.text.includes(secret) && !result.text.includes('"scripts"'), `${path} leaked a file`);
  }
});

test('a symlink inside public/ that points outside it is not followed, and dotfiles are not served', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'todo-public-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const publicDir = join(root, 'public');
  mkdirSync(publicDir);
  writeFileSync(join(root, 'secret.txt'), 'top secret');
  writeFileSync(join(publicDir, 'hello.txt'), 'hello');
  writeFileSync(join(publicDir, '.env'), 'TOKEN=top secret');
  symlinkSync(join(root, 'secret.txt'), join(publicDir, 'leak.txt'));
  const { base } = await startServer(t, { publicDir });
  assert.equal((await rawGet(base, '/hello.txt')).text, 'hello');
  for (const path of ['/leak.txt', '/.env']) {
    const result = await rawGet(base, path);
    assert.equal(result.status, 404, path);
    assert.doesNotMatch(result.text, /top secret/);
  }
});
