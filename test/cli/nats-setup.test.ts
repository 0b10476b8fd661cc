/**
 * `loop nats setup` as a user runs it: the config, the store folder and two seeds with private
 * permissions, the block for loop.config.yaml; existing keys kept unless --force; a bad --listen is
 * one line, exit 2. (That the server accepts the config and enforces the worker's permissions is in
 * test/nats/permissions.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runLoop } from '../helpers/loop-cli.js';
import { tempDir } from '../helpers/temp.js';

const mode = (file: string): number => statSync(file).mode & 0o777;

test('loop nats setup writes a server config, private seeds and prints the config block; keys are kept unless --force', async (t) => {
  const home = tempDir(t);
  const dir = join(home, 'nats');
  const env = { LOOP_HOME: join(home, '.home') };
  const first = await runLoop(['nats', 'setup', '--dir', dir, '--listen', '0.0.0.0:4333'], { cwd: home, env, t });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`start the server: {2}nats-server -c ${join(dir, 'nats-server.conf')}`));
  // Clients on this machine use the loopback address even when the server listens everywhere.
  assert.match(first.stdout, /^ {4}engine: nats\n {4}nats:\n {6}url: nats:\/\/127\.0\.0\.1:4333\n {6}nkey: .*supervisor\.nk$/m);
  const config = readFileSync(join(dir, 'nats-server.conf'), 'utf8');
  assert.match(config, /^listen: 0\.0\.0\.0:4333$/m);
  assert.match(config, /jetstream \{\n {2}store_dir: /);
  const supervisorSeed = readFileSync(join(dir, 'supervisor.nk'), 'utf8');
  assert.match(supervisorSeed, /^SU[A-Z2-7]+\n$/);
  assert.equal(mode(join(dir, 'supervisor.nk')), 0o600);
  assert.equal(mode(join(dir, 'worker.nk')), 0o600);
  assert.equal(mode(dir), 0o700);

  const again = await runLoop(['nats', 'setup', '--dir', dir], { cwd: home, env, t });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exist\(s\); keep them, or pass --force/);
  assert.equal(readFileSync(join(dir, 'supervisor.nk'), 'utf8'), supervisorSeed, 'the keys were kept');

  const forced = await runLoop(['nats', 'setup', '--dir', dir, '--force'], { cwd: home, env, t });
  assert.equal(forced.code, 0, forced.stderr);
  assert.notEqual(readFileSync(join(dir, 'supervisor.nk'), 'utf8'), supervisorSeed, '--force wrote new keys');
});

test('loop nats setup with a bad --listen: one line, exit 2, nothing written', async (t) => {
  const home = tempDir(t);
  const result = await runLoop(['nats', 'setup', '--dir', join(home, 'nats'), '--listen', 'localhost'], { cwd: home, env: { LOOP_HOME: join(home, '.home') }, t });
  assert.equal(result.code, 2);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /--listen localhost: use host:port/);
  assert.equal(existsSync(join(home, 'nats')), false);
});
