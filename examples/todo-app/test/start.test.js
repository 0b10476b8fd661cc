import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { settingsFromEnv } from '../src/server.js';

const SERVER = fileURLToPath(new URL('../src/server.js', import.meta.url));

function tempFolder(t) {
  const dir = mkdtempSync(join(tmpdir(), 'todo-start-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `npm start` as a child process; resolves once it prints its URL, or rejects when it exits first. */
function start(t, env) {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
  const listening = new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const found = /http:\/\/[\d.]+:\d+/.exec(out);
      if (found) resolve(found[0]);
    });
    exited.then(({ code }) => reject(new Error(`server exited with ${code} before listening: ${out}${err}`)));
  });
  listening.catch(() => {});
  return { child, listening, exited };
}

async function post(base, title) {
  const response = await fetch(`${base}/api/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
  assert.equal(response.status, 201);
  return response.json();
}

test('settingsFromEnv reads PORT, HOST and TODOS_FILE and rejects a PORT that is not a port', () => {
  assert.deepEqual(settingsFromEnv({}, '/app'), { port: 3000, host: '127.0.0.1', file: '/app/data/todos.json' });
  assert.deepEqual(settingsFromEnv({ PORT: '8080', HOST: '0.0.0.0', TODOS_FILE: '/tmp/t.json' }, '/app'), { port: 8080, host: '0.0.0.0', file: '/tmp/t.json' });
  assert.equal(settingsFromEnv({ TODOS_FILE: '' }, '/app').file, undefined, 'an empty TODOS_FILE keeps todos in memory');
  for (const bad of ['abc', '-1', '70000', '3.5']) assert.match(settingsFromEnv({ PORT: bad }, '/app').error, /not a port number/);
});

test('todos added through npm start are in TODOS_FILE and still there after a restart', async (t) => {
  const file = join(tempFolder(t), 'todos.json');
  const first = start(t, { PORT: '0', TODOS_FILE: file });
  const created = await post(await first.listening, 'survive a restart');
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).todos[0].id, created.id);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited).code, 0, 'SIGTERM stops it cleanly');

  const second = start(t, { PORT: '0', TODOS_FILE: file });
  const listed = await (await fetch(`${await second.listening}/api/todos`)).json();
  assert.deepEqual(listed.todos, [created]);
});

test('npm start refuses a TODOS_FILE it cannot parse with one line, exit 1, and leaves the file alone', async (t) => {
  const file = join(tempFolder(t), 'todos.json');
  writeFileSync(file, 'not json at all');
  const { listening, exited } = start(t, { PORT: '0', TODOS_FILE: file });
  await assert.rejects(listening);
  const { code, err } = await exited;
  assert.equal(code, 1);
  assert.equal(err.trim(), `${file} is not valid JSON; fix or move it away, then start again`);
  assert.equal(readFileSync(file, 'utf8'), 'not json at all');
});

test('npm start with a bad PORT prints one line and exits 2', async (t) => {
  const { exited } = start(t, { PORT: 'abc', TODOS_FILE: '' });
  const { code, err } = await exited;
  assert.equal(code, 2);
  assert.equal(err.trim(), 'PORT=abc is not a port number (0-65535)');
});

test('npm start on a port that is taken says so in one line and exits 1', async (t) => {
  const blocker = createNetServer();
  await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const { port } = blocker.address();
  const { exited } = start(t, { PORT: String(port), TODOS_FILE: '' });
  const { code, err } = await exited;
  assert.equal(code, 1);
  assert.equal(err.trim(), `port ${port} is in use; start with PORT=<another port> npm start`);
});
