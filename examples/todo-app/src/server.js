/**
 * The todo app's HTTP server: a JSON API under /api/todos and the UI's static files.
 *
 *   GET    /api/todos[?filter=all|active|completed]  200 {todos, counts}
 *   POST   /api/todos                                201 todo (Location: /api/todos/<id>)
 *   DELETE /api/todos?completed=true                 200 {deleted}
 *   GET    /api/todos/:id                            200 todo
 *   PATCH  /api/todos/:id                            200 todo
 *   DELETE /api/todos/:id                            204
 *
 * Errors are JSON `{error}`: 400 bad input, 404 unknown todo or route, 405 wrong method (with
 * Allow), 413 body over the limit, 415 body that is not JSON, 500 anything unexpected.
 * Run directly (`npm start`), it listens on PORT (default 3000) and keeps todos in TODOS_FILE.
 */
import http from 'node:http';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, ValidationError } from './store.js';
import { serveStatic } from './static.js';

export const MAX_BODY_BYTES = 16 * 1024;
const COLLECTION = '/api/todos';

class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** An http.Server (not yet listening) serving `store` and the files in `publicDir`. */
export function createServer({ store, publicDir, maxBodyBytes = MAX_BODY_BYTES, log = (line) => console.error(line) }) {
  if (!store) throw new TypeError('createServer needs a store');
  return http.createServer((req, res) => {
    handle(req, res, { store, publicDir, maxBodyBytes }).catch((error) => {
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message }, error.headers);
      if (error instanceof ValidationError) return sendJson(res, 400, { error: error.message });
      log(`${req.method} ${req.url}: ${error?.stack ?? error}`);
      if (res.headersSent) return res.destroy();
      sendJson(res, 500, { error: 'internal error; see the server log' });
    });
  });
}

async function handle(req, res, { store, publicDir, maxBodyBytes }) {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const query = mark === -1 ? '' : url.slice(mark + 1);
  if (path !== '/api' && !path.startsWith('/api/')) return serveStatic(req, res, publicDir, path);
  const params = new URLSearchParams(query);

  if (path === COLLECTION) {
    switch (req.method) {
      case 'GET':
        return sendJson(res, 200, { todos: store.list(params.get('filter') ?? 'all'), counts: store.counts() });
      case 'POST': {
        const todo = await store.create(await readJson(req, maxBodyBytes));
        return sendJson(res, 201, todo, { location: `${COLLECTION}/${encodeURIComponent(todo.id)}` });
      }
      case 'DELETE':
        if (params.get('completed') !== 'true') {
          throw new HttpError(400, 'only completed todos can be deleted in bulk: DELETE /api/todos?completed=true');
        }
        return sendJson(res, 200, { deleted: await store.clearCompleted() });
      default:
        throw new HttpError(405, `${req.method} is not allowed on ${COLLECTION}`, { allow: 'GET, POST, DELETE' });
    }
  }

  const id = todoId(path);
  if (id === null) throw new HttpError(404, `no API route ${path}`);
  switch (req.method) {
    case 'GET':
      return sendJson(res, 200, found(store.get(id), id));
    case 'PATCH':
      return sendJson(res, 200, found(await store.update(id, await readJson(req, maxBodyBytes)), id));
    case 'DELETE':
      if (!(await store.delete(id))) throw notFound(id);
      res.writeHead(204);
      return res.end();
    default:
      throw new HttpError(405, `${req.method} is not allowed on a todo`, { allow: 'GET, PATCH, DELETE' });
  }
}

/** The id in `/api/todos/<id>`, or null for any other path. */
function todoId(path) {
  if (!path.startsWith(`${COLLECTION}/`)) return null;
  const segment = path.slice(COLLECTION.length + 1);
  if (segment.length === 0 || segment.includes('/')) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const notFound = (id) => new HttpError(404, `no todo with id ${id}`);

function found(todo, id) {
  if (todo === null) throw notFound(id);
  return todo;
}

/**
 * The request body parsed as JSON. Refused before reading when it is not JSON (415) or declares
 * a size over the limit (413), and cut off at the limit when it does not declare one. Those early
 * answers close the connection, since the rest of the body was never read.
 */
async function readJson(req, limit) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'send the body as JSON with Content-Type: application/json', { connection: 'close' });
  }
  const tooLarge = () => new HttpError(413, `the body is over ${limit} bytes`, { connection: 'close' });
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim().length === 0) throw new HttpError(400, 'the body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

function sendJson(res, status, value, headers = {}) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** Reads PORT, HOST and TODOS_FILE; returns an error line instead of throwing. */
export function settingsFromEnv(env, appRoot) {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return { error: `PORT=${env.PORT} is not a port number (0-65535)` };
  }
  const file = env.TODOS_FILE === undefined ? join(appRoot, 'data', 'todos.json') : env.TODOS_FILE;
  return { port, host: env.HOST || '127.0.0.1', file: file === '' ? undefined : file };
}

async function main() {
  const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
  const settings = settingsFromEnv(process.env, appRoot);
  if (settings.error) {
    console.error(settings.error);
    process.exitCode = 2;
    return;
  }
  let store;
  try {
    store = await openStore({ path: settings.file });
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
    return;
  }
  const server = createServer({ store, publicDir: join(appRoot, 'public') });
  server.on('error', (error) => {
    console.error(error.code === 'EADDRINUSE' ? `port ${settings.port} is in use; start with PORT=<another port> npm start` : error.message);
    process.exit(1);
  });
  server.listen(settings.port, settings.host, () => {
    const { port } = server.address();
    console.log(`todo app on http://${settings.host}:${port} (todos in ${settings.file ?? 'memory only'})`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function invokedDirectly() {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) await main();
