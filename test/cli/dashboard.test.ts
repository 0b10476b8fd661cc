/** `loop dashboard` and `loop run --dashboard` as a user runs them: real processes, real sim runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { runPaths } from '../../src/util/paths.js';
import { tempDir } from '../helpers/temp.js';
import { boardEvents, runLoop, startLoop, waitFor, type LoopProcess } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { httpRequest } from '../helpers/dashboard.js';

function project(t: Parameters<typeof tempDir>[0], sim: Record<string, unknown> = {}): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(t, 'loop-dashboard-');
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ roles: ['backend'], tasksPerRole: 2, sim }));
  writeFileSync(join(dir, 'brief.md'), '# Brief\n');
  return { dir, env: { LOOP_HOME: join(dir, '.home') } };
}

async function dashboardUrl(p: LoopProcess): Promise<URL> {
  const line = await waitFor('the dashboard URL', () => /dashboard: (http\S+)/.exec(p.output())?.[1]);
  return new URL(line);
}

const canConnect = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port }, () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });

test('loop dashboard listens on loopback only, records itself for other commands, and stops cleanly', async (t) => {
  const { dir, env } = project(t);
  assert.equal((await runLoop(['run', 'api and ui', '--run', 'r1'], { cwd: dir, env, t })).code, 0);
  const server = startLoop(['dashboard', '--port', '0'], { cwd: dir, env, t });
  const url = await dashboardUrl(server);
  assert.equal(url.hostname, '127.0.0.1');
  assert.match(url.search, /^\?token=[\w-]{20,}$/);
  const port = Number(url.port);
  assert.equal(await canConnect('127.0.0.1', port), true);
  const outside = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4');
  if (outside) assert.equal(await canConnect(outside.address, port), false, `not reachable on ${outside.address}`);
  const info = join(dir, '.loop', 'dashboard.json');
  assert.equal(statSync(info).mode & 0o777, 0o600, 'the file holding the token is private');
  assert.equal(JSON.parse(readFileSync(info, 'utf8')).url, url.href);
  const again = await runLoop(['dashboard', '--port', '0'], { cwd: dir, env, t });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /a dashboard already serves this folder \(pid \d+\): http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  server.child.kill('SIGTERM');
  assert.equal((await server.done).code, 0);
  assert.equal(existsSync(info), false);
  assert.equal(await canConnect('127.0.0.1', port), false);
});

test("the dashboard serves no value of its environment or of the providers' env in the config", async (t) => {
  const { dir, env } = project(t);
  const configSecret = 'cfg-planted-secret-0123456789';
  const envSecret = 'env-planted-secret-9876543210';
  const config = parse(readFileSync(join(dir, 'loop.config.yaml'), 'utf8'));
  config.providers.sim.env = { OPENAI_API_KEY: configSecret };
  writeFileSync(join(dir, 'loop.config.yaml'), stringify(config));
  assert.equal((await runLoop(['run', 'api and ui', '--run', 'r1'], { cwd: dir, env, t })).code, 0);
  // As if an agent had printed both into its transcript.
  writeFileSync(join(runPaths(dir, 'r1').logs, 't1.1.log'), `env: GEMINI_API_KEY=${envSecret} OPENAI_API_KEY=${configSecret}\n`, { flag: 'a' });
  const server = startLoop(['dashboard', '--port', '0'], { cwd: dir, env: { ...env, GEMINI_API_KEY: envSecret }, t });
  const base = (await dashboardUrl(server)).origin;
  const bodies = await Promise.all(['/', '/app/app.js', '/api/runs', '/api/runs/r1', '/api/runs/r1/model', '/api/runs/r1/tasks/t1', '/api/runs/r1/roles/backend', '/api/runs/r1/tasks/t1/attempts/1/logs/agent', '/api/health'].map(async (path) => (await httpRequest(`${base}${path}`)).body));
  const all = bodies.join('\n');
  assert.ok(all.includes('[redacted: $GEMINI_API_KEY]') && all.includes('[redacted: $OPENAI_API_KEY]'), 'the transcript was served, redacted');
  assert.ok(!all.includes(envSecret) && !all.includes(configSecret));
  server.child.kill('SIGTERM');
  await server.done;
});

test('loop run --dashboard serves the run while it lasts, stops the dashboard with it, and its stop button stops the run like loop stop', async (t) => {
  const { dir, env } = project(t, { latencyMs: 60_000 });
  const run = startLoop(['run', 'api and ui', '--run', 'live', '--dashboard'], { cwd: dir, env, t });
  const url = await dashboardUrl(run);
  assert.equal(url.hash, '#/run/live');
  await waitFor('an agent at work', () => boardEvents(dir, 'live').some((e) => e.type === 'attempt.started'));
  const state = await httpRequest(`${url.origin}/api/runs/live`);
  assert.equal(state.status, 200);
  assert.equal(JSON.parse(state.body).state.view.status, 'running');

  const token = url.searchParams.get('token')!;
  const refused = await httpRequest(`${url.origin}/api/runs/live/stop`, { method: 'POST', headers: { Origin: url.origin } });
  assert.equal(refused.status, 401, 'no token, no stop');
  const stopped = await httpRequest(`${url.origin}/api/runs/live/stop`, { method: 'POST', headers: { Origin: url.origin, Authorization: `Bearer ${token}` } });
  assert.equal(stopped.status, 202, stopped.body);
  assert.match(JSON.parse(stopped.body).message, /^stopping run live \(supervisor pid \d+\) as on Ctrl-C; `loop resume live` continues it$/);
  const result = await run.done;
  assert.equal(result.code, 4, 'stopped, as on Ctrl-C');
  assert.ok(boardEvents(dir, 'live').some((e) => e.type === 'task.interrupted'));
  assert.equal(existsSync(join(dir, '.loop', 'dashboard.json')), false, 'the dashboard stopped with the run');
  assert.equal(await canConnect('127.0.0.1', Number(url.port)), false);
});
