/**
 * `loop doctor` on `loop.engine: nats` checks each repository's remote as a worker uses it (real git:
 * a bare repository answers; a path that is not there fails with the fix), and `loop doctor
 * --worker` checks a worker machine against a real nats-server with the worker's nkey.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeBin, isolatedEnv } from '../config/helpers.js';
import { runLoop } from '../helpers/loop-cli.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { git, tempDir, tempRepo } from '../helpers/temp.js';

const config = (server: NatsServer): string => simTeamConfig({
  roles: ['backend'],
  loop: { engine: 'nats', nats: { url: server.url, nkey: server.setup.supervisorSeed, dispatch: 'workers' } },
});

function project(t: TestContext, server: NatsServer): { repo: string; bare: string } {
  const repo = tempRepo(t, { 'loop.config.yaml': config(server), 'brief.md': '# b\n' });
  const bare = join(tempDir(t, 'loop-remote-'), 'app.git');
  git(repo, ['clone', '-q', '--bare', repo, bare]);
  git(repo, ['remote', 'add', 'origin', bare]);
  return { repo, bare };
}

test('doctor with dispatch: workers: a bare repository as origin answers; a missing path fails with the fix line; no remote is a config error', async (t) => {
  const server = await startNatsServer(t);
  const { repo, bare } = project(t, server);
  const env = isolatedEnv(t, { PATH: `${fakeBin(t, {})}:${process.env['PATH']}` });
  const ready = await runLoop(['doctor'], { cwd: repo, env, t });
  assert.match(ready.stdout, new RegExp(`\\nok {4}remote [\\w-]+: origin \\(${bare.replace(/\./g, '\\.')}\\) answers \`git ls-remote\` from this machine: 1 branch\\n`));
  assert.match(ready.stdout, /\nok {4}nats server: /);

  git(repo, ['remote', 'set-url', 'origin', '/nonexistent/app.git']);
  const broken = await runLoop(['doctor'], { cwd: repo, env, t });
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.match(broken.stdout, /\nfail {2}remote [\w-]+: origin \(\/nonexistent\/app\.git\) cannot be reached: fatal: '\/nonexistent\/app\.git' does not appear to be a git repository.*\n {6}fix: check the URL and that this machine reaches its host; fix it with git -C \S+ remote set-url origin <url>\n/);

  // No remote at all: the config's own check refuses it (loop.nats.dispatch: workers needs one).
  git(repo, ['remote', 'remove', 'origin']);
  const none = await runLoop(['doctor', '--json'], { cwd: repo, env, t });
  const configCheck = (JSON.parse(none.stdout) as { checks: Array<{ name: string; status: string; detail: string }> }).checks.find((c) => c.name === 'config');
  assert.equal(configCheck?.status, 'fail');
  assert.match(configCheck?.detail ?? '', /has no git remote "origin".*git remote add origin <url>/);

  // A nats board with the supervisor's own agents exchanges no code through a remote: not checked.
  writeFileSync(join(repo, 'loop.config.yaml'), config(server).replace('dispatch: workers', 'dispatch: local'));
  const local = await runLoop(['doctor', '--json'], { cwd: repo, env, t });
  const names = (JSON.parse(local.stdout) as { checks: Array<{ name: string }> }).checks.map((c) => c.name);
  assert.ok(names.includes('nats server') && !names.some((name) => name.startsWith('remote ')), names.join(', '));
});

test('doctor --worker: the worker nkey is accepted, JetStream answers, a queue no run made yet is a warning, the remote answers; a missing nkey fails', async (t) => {
  const server = await startNatsServer(t);
  const { repo } = project(t, server);
  const env = isolatedEnv(t, { PATH: `${fakeBin(t, {})}:${process.env['PATH']}` });
  const args = ['doctor', '--worker', '--server', server.url, '--roles', 'backend'];
  const result = await runLoop([...args, '--nkey', server.setup.workerSeed], { cwd: repo, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const lines = result.stdout.split('\n');
  assert.match(lines[0]!, /^ok {4}node: /);
  assert.ok(lines.some((l) => /^ok {4}nats server: nats-server \d+\.\d+\.\d+ at /.test(l) && l.endsWith(` at ${server.url} accepted the nkey in ${server.setup.workerSeed}`)), result.stdout);
  assert.ok(lines.includes('ok    nats jetstream: answers the worker identity'), result.stdout);
  assert.ok(lines.some((l) => l.startsWith('warn  work queue backend: not on the server yet')), result.stdout);
  assert.ok(lines.includes('ok    provider sim: built-in simulator (used by backend)'), result.stdout);
  assert.ok(lines.some((l) => /^ok {4}remote [\w-]+: origin/.test(l)), result.stdout);

  const unknown = await runLoop(['doctor', '--worker', '--server', server.url, '--roles', 'backend,mobile', '--nkey', server.setup.workerSeed], { cwd: repo, env, t });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stdout, /\nfail {2}role mobile: loop\.config\.yaml has no role "mobile"; its tasks never reach this worker\n/);

  const missing = await runLoop([...args, '--nkey', join(repo, 'nope.nk')], { cwd: repo, env, t });
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /\nfail {2}nats server: cannot read the nkey seed \S+nope\.nk: ENOENT.*\n {6}fix: copy worker\.nk from the machine where `loop nats setup` ran/);

  const usage = await runLoop(['doctor', '--worker'], { cwd: repo, env, t });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr + usage.stdout, /--worker needs --server URL and --roles/);
});
