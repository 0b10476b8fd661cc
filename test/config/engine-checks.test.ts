/** `loop.engine` and `loop.nats` as `loop validate` reports them: exact line, column and message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { git, tempRepo } from '../helpers/temp.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
/** Lines 1-13: a valid team. */
const BASE = ['version: 1', 'providers:', '  sim:', '    type: sim', '  critic:', '    type: sim', 'roles:', '  - name: planner', '    provider: sim', '  - name: backend', '    provider: sim', '  - name: qa', '    provider: critic'];
const problems = (text: string, dir: string): string[] => checkConfigText(text, 'loop.config.yaml', dir).problems.map(formatProblem);

test('engine nats with a url and an existing nkey file is valid; relative paths are relative to the config folder', (t) => {
  const dir = tempRepo(t, { 'brief.md': '# brief\n' });
  writeFileSync(join(dir, 'supervisor.nk'), 'SUAEXAMPLE\n');
  const result = checkConfigText(yaml(...BASE, 'loop:', '  engine: nats', '  nats:', '    url: nats://127.0.0.1:4222', '    nkey: supervisor.nk'), 'loop.config.yaml', dir);
  assert.deepEqual(result.problems, []);
  assert.equal(result.config?.loop.engine, 'nats');
  assert.equal(checkConfigText(yaml(...BASE), 'loop.config.yaml', dir).config?.loop.engine, 'local', 'local is the default');
});

test('engine nats without a nats block, an unknown engine, and a missing url are errors on their line', (t) => {
  const dir = tempRepo(t, { 'brief.md': '# brief\n' });
  assert.deepEqual(problems(yaml(...BASE, 'loop:', '  engine: nats'), dir), [
    'loop.config.yaml:15:11: loop.engine: loop.engine is nats but loop.nats is missing; add loop.nats with the server url and the supervisor\'s nkey (`loop nats setup` prints the block)',
  ]);
  assert.deepEqual(problems(yaml(...BASE, 'loop:', '  engine: redis'), dir), ['loop.config.yaml:15:11: loop.engine: expected one of "local", "nats", got "redis"']);
  assert.deepEqual(problems(yaml(...BASE, 'loop:', '  engine: nats', '  nats:', '    nkey: x.nk'), dir), ['loop.config.yaml:17:5: loop.nats.url: missing required key "url"']);
});

test('credential files that do not exist, nkey with creds, and half a client certificate are errors', (t) => {
  const dir = tempRepo(t, { 'brief.md': '# brief\n', 'ca.pem': 'x' });
  const text = yaml(...BASE, 'loop:', '  engine: nats', '  nats:', '    url: tls://nats.example:4222', '    nkey: ~/missing/supervisor.nk', '    creds: sup.creds', '    tls:', '      ca: ca.pem', '      cert: client.pem');
  const home = process.env['HOME'] ?? '';
  assert.deepEqual(problems(text, dir), [
    `loop.config.yaml:18:11: loop.nats.nkey: ${home}/missing/supervisor.nk does not exist; \`loop nats setup\` writes supervisor.nk`,
    'loop.config.yaml:19:5: loop.nats.creds: give loop.nats either nkey or creds, not both',
    `loop.config.yaml:19:12: loop.nats.creds: ${join(dir, 'sup.creds')} does not exist`,
    'loop.config.yaml:20:5: loop.nats.tls: loop.nats.tls needs both cert and key for a client certificate',
    `loop.config.yaml:22:13: loop.nats.tls.cert: ${join(dir, 'client.pem')} does not exist`,
  ]);
});

test('a nats block with the local engine is a warning: no server is used', (t) => {
  const dir = tempRepo(t, { 'brief.md': '# brief\n' });
  assert.deepEqual(problems(yaml(...BASE, 'loop:', '  nats:', '    url: nats://127.0.0.1:4222'), dir), [
    'warning: loop.config.yaml:15:3: loop.nats: loop.nats is set but loop.engine is local (the default), so no server is used; set `engine: nats` under loop to keep the board on it',
  ]);
});

test('dispatch: workers needs the git remote workers clone from: origin by default, or the remote loop.nats.remote names', (t) => {
  const dir = tempRepo(t, { 'brief.md': '# brief\n' });
  const name = dir.split('/').pop()!;
  const workers = (...extra: string[]) => yaml(...BASE, 'loop:', '  engine: nats', '  nats:', '    url: nats://127.0.0.1:4222', '    dispatch: workers', ...extra);
  assert.deepEqual(problems(workers(), dir), [
    `loop.config.yaml:18:15: loop.nats.dispatch: repository ${name} has no git remote "origin", which loop worker processes clone from and push to (loop.nats.dispatch: workers); add it with \`git remote add origin <url>\` or set loop.nats.remote to a URL every worker can reach`,
  ]);
  git(dir, ['remote', 'add', 'origin', 'git@example.test:team/project.git']);
  assert.deepEqual(problems(workers(), dir), []);
  assert.deepEqual(problems(workers('    remote: upstream'), dir).map((p) => p.replace(/;.*/, '')), [
    `loop.config.yaml:19:13: loop.nats.remote: repository ${name} has no git remote "upstream", which loop worker processes clone from and push to (loop.nats.dispatch: workers)`,
  ]);
  assert.deepEqual(problems(workers('    remote: https://git.example.test/project.git'), dir), [], 'a URL is taken as it is');
});
