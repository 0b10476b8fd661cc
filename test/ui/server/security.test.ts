/** The dashboard is safe by default: loopback, token, Host and Origin checks, no secrets in any response. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendAll, httpRequest, runsFolder, serve } from '../../helpers/dashboard.js';
import { connectWs } from '../../helpers/ws-client.js';
import { created, runStarted } from '../../helpers/board-events.js';

function oneRun(t: Parameters<typeof runsFolder>[0]) {
  const folder = runsFolder(t);
  appendAll(folder.board('r1'), [runStarted(), created('t1')]);
  return folder;
}

test('bound to every interface, requests without the token get 401, over HTTP and WebSocket', async (t) => {
  const folder = oneRun(t);
  const d = await serve(t, folder.dir, { host: '0.0.0.0' });
  assert.equal(d.tokenRequired, true);
  for (const path of ['/', '/api/runs', '/api/runs/r1', '/app/app.js', '/m/ui/model/index.js', '/nothing']) {
    assert.equal((await httpRequest(`${d.base}${path}`)).status, 401, path);
    assert.equal((await httpRequest(`${d.base}${path}`, { headers: { Authorization: 'Bearer wrong-token' } })).status, 401, `${path} with a wrong token`);
  }
  await assert.rejects(connectWs(`ws://127.0.0.1:${d.port}/ws`), (e: Error & { status?: number }) => e.status === 401);
  await assert.rejects(connectWs(`ws://127.0.0.1:${d.port}/ws?token=nope`), (e: Error & { status?: number }) => e.status === 401);

  // The token works from the header, the query and the cookie the printed URL sets.
  assert.equal((await httpRequest(`${d.base}/api/runs`, { headers: { Authorization: `Bearer ${d.token}` } })).status, 200);
  const opened = await httpRequest(`${d.base}/?token=${d.token}`);
  assert.equal(opened.status, 303, 'the printed URL stores the token in a cookie and drops it from the address bar');
  assert.equal(opened.headers['location'], '/');
  const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
  assert.match(String(opened.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  assert.equal((await httpRequest(`${d.base}/api/runs/r1`, { headers: { Cookie: cookie } })).status, 200);
  const ws = await connectWs(`ws://127.0.0.1:${d.port}/ws`, { Cookie: cookie });
  await ws.next((m) => m['type'] === 'hello');
  ws.close();
});

test('on loopback, reading needs no token but a foreign Host name is refused (DNS rebinding)', async (t) => {
  const folder = oneRun(t);
  const d = await serve(t, folder.dir);
  assert.equal(d.tokenRequired, false);
  assert.equal((await httpRequest(`${d.base}/api/runs`)).status, 200);
  assert.equal((await httpRequest(`${d.base}/api/runs`, { headers: { Host: `localhost:${d.port}` } })).status, 200);
  const rebound = await httpRequest(`${d.base}/api/runs`, { headers: { Host: `evil.example:${d.port}` } });
  assert.equal(rebound.status, 403);
  assert.match(JSON.parse(rebound.body).message, /not this dashboard's/);
  await assert.rejects(connectWs(`ws://127.0.0.1:${d.port}/ws`, { Host: `evil.example:${d.port}` }), (e: Error & { status?: number }) => e.status === 403);
});

test('a foreign Origin can neither open a socket nor POST a control, even with the token', async (t) => {
  const folder = oneRun(t);
  const stops: string[] = [];
  const d = await serve(t, folder.dir, { ports: { stop: async (runId) => (stops.push(runId), { ok: true, message: 'stopped' }) } });
  await assert.rejects(connectWs(`ws://127.0.0.1:${d.port}/ws`, { Origin: 'https://evil.example' }), (e: Error & { status?: number }) => e.status === 403);
  const same = await connectWs(`ws://127.0.0.1:${d.port}/ws`, { Origin: d.base });
  await same.next((m) => m['type'] === 'hello');
  same.close();

  const stop = (headers: Record<string, string>) => httpRequest(`${d.base}/api/runs/r1/stop`, { method: 'POST', headers });
  assert.equal((await stop({ Origin: d.base })).status, 401, 'a control needs the token even on loopback');
  assert.equal((await stop({ Authorization: `Bearer ${d.token}`, Origin: 'https://evil.example' })).status, 403);
  assert.equal((await stop({ Authorization: `Bearer ${d.token}`, Origin: 'null' })).status, 403);
  assert.equal((await stop({ Authorization: `Bearer ${d.token}`, 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  assert.deepEqual(stops, [], 'no refused request reached the stop port');
  const ok = await stop({ Authorization: `Bearer ${d.token}`, Origin: d.base });
  assert.equal(ok.status, 202);
  assert.deepEqual(JSON.parse(ok.body), { ok: true, message: 'stopped' });
  assert.equal((await stop({ Authorization: `Bearer ${d.token}` })).status, 202, 'a script without Origin (curl) may, with the token');
  assert.deepEqual(stops, ['r1', 'r1']);
});

test('no response carries the value of a secret in the server environment, even when a transcript or the board holds it', async (t) => {
  const secret = 'sk-planted-1234567890-abcdef';
  const folder = runsFolder(t);
  appendAll(folder.board('r1'), [
    runStarted(), created('t1'),
    { type: 'task.ready', taskId: 't1' }, { type: 'task.dispatched', taskId: 't1', role: 'backend', attempt: 1 },
    { type: 'attempt.started', taskId: 't1', attempt: 1, role: 'backend', provider: 'sim', providerType: 'sim' },
    { type: 'run.note', level: 'warn', message: `an agent printed ANTHROPIC_API_KEY=${secret}` },
  ]);
  folder.log('r1', 't1.1.log', '# loop agent transcript', `export ANTHROPIC_API_KEY=${secret}`, 'done');
  const d = await serve(t, folder.dir, { env: { PATH: process.env['PATH'], ANTHROPIC_API_KEY: secret } });
  const bodies: string[] = [];
  for (const path of ['/', '/api/health', '/api/runs', '/api/runs/r1', '/api/runs/r1/model', '/api/runs/r1/tasks/t1', '/api/runs/r1/roles/backend', '/api/runs/r1/tasks/t1/attempts/1/logs/agent', '/app/app.js', '/m/ui/model/index.js', '/api/runs/x/nothing']) {
    bodies.push((await httpRequest(`${d.base}${path}`)).body);
  }
  const ws = await connectWs(`ws://127.0.0.1:${d.port}/ws`);
  ws.send({ type: 'subscribe', runId: 'r1' });
  ws.send({ type: 'watch-log', runId: 'r1', taskId: 't1', attempt: 1, kind: 'agent' });
  await ws.next((m) => m['type'] === 'log');
  folder.board('r1').append({ type: 'run.note', level: 'info', message: `again: ${secret}` });
  folder.log('r1', 't1.1.log', `echo ${secret}`);
  await ws.next((m) => m['type'] === 'events' && JSON.stringify(m).includes('again'));
  await ws.next((m) => m['type'] === 'log' && JSON.stringify(m).includes('echo'));
  bodies.push(JSON.stringify(ws.messages));
  ws.close();
  const all = bodies.join('\n');
  assert.ok(!all.includes(secret), 'the secret value leaked');
  assert.match(all, /\[redacted: \$ANTHROPIC_API_KEY\]/);
  assert.ok(!all.includes(d.token), 'the token is never sent back');
});

test('retry and approve are controls too: token and same origin, a refusal is 409, and nothing refused reaches loop', async (t) => {
  const folder = oneRun(t);
  const asked: string[] = [];
  const d = await serve(t, folder.dir, {
    ports: {
      retry: async (runId, taskId) => (asked.push(`retry ${runId} ${taskId}`), { ok: false, refused: true, message: `task ${taskId} is planned; only an escalated task can be retried` }),
      approve: async (runId) => (asked.push(`approve ${runId}`), { ok: true, refused: false, message: 'plan approved; the run starts dispatching' }),
    },
  });
  for (const path of ['/api/runs/r1/tasks/t1/retry', '/api/runs/r1/approve']) {
    assert.equal((await httpRequest(`${d.base}${path}`, { method: 'POST', headers: { Origin: d.base } })).status, 401, `${path} without the token`);
    assert.equal((await httpRequest(`${d.base}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${d.token}`, Origin: 'https://evil.example' } })).status, 403, `${path} from a foreign origin`);
  }
  assert.deepEqual(asked, []);
  const retry = await httpRequest(`${d.base}/api/runs/r1/tasks/t1/retry`, { method: 'POST', headers: { Authorization: `Bearer ${d.token}`, Origin: d.base } });
  assert.deepEqual([retry.status, JSON.parse(retry.body)], [409, { ok: false, message: 'task t1 is planned; only an escalated task can be retried' }]);
  const approve = await httpRequest(`${d.base}/api/runs/r1/approve`, { method: 'POST', headers: { Authorization: `Bearer ${d.token}`, Origin: d.base } });
  assert.deepEqual([approve.status, JSON.parse(approve.body)], [202, { ok: true, message: 'plan approved; the run starts dispatching' }]);
  assert.equal((await httpRequest(`${d.base}/api/runs/nope/approve`, { method: 'POST', headers: { Authorization: `Bearer ${d.token}` } })).status, 404);
  assert.deepEqual(asked, ['retry r1 t1', 'approve r1']);
});
