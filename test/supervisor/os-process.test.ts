/** Process hygiene of forked actors: own process group, closed stdin, environment. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { DEFERRED_CA_CERTS_VAR } from '../../supervisor/os-process.js';
import { tempDir } from '../helpers/temp.js';
import { command, liveGroupMembers, supervise, worker } from './helpers.js';

/** The environment a process was started with (what its own Node start-up read). */
function startEnvironment(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

test('each actor leads its own process group, with stdin closed and stdout/stderr appended to its log file', async (t) => {
  const logFile = join(tempDir(t), 'logs', 'a.log');
  mkdirSync(dirname(logFile));
  writeFileSync(logFile, 'earlier run\n');
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a', {}, { logFile })] });
  await sup.start();
  const pid = sup.pidOf('a')!;
  assert.deepEqual(liveGroupMembers(pid), [pid]);
  assert.equal(readlinkSync(`/proc/${pid}/fd/0`), '/dev/null');
  assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /actors\/entry\.js\0.*fixture\.js/);
  await sup.call('a', command('log:hello'));
  await sup.stop();
  assert.equal(readFileSync(logFile, 'utf8'), 'earlier run\nout: hello\nerr: hello\n');
});

test('NODE_EXTRA_CA_CERTS is kept out of the actor\'s own start-up but restored for what it spawns', async (t) => {
  const saved = process.env['NODE_EXTRA_CA_CERTS'];
  process.env['NODE_EXTRA_CA_CERTS'] = '/etc/ssl/certs/example-extra.pem';
  t.after(() => {
    if (saved === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
    else process.env['NODE_EXTRA_CA_CERTS'] = saved;
  });
  const { sup } = supervise(t, {
    type: 'supervisor', id: 'root',
    children: [worker('deferred'), worker('explicit', {}, { env: { NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/mine.pem' } })],
  });
  await sup.start();
  const started = startEnvironment(sup.pidOf('deferred')!);
  assert.equal(started.has('NODE_EXTRA_CA_CERTS'), false);
  assert.equal(started.get(DEFERRED_CA_CERTS_VAR), '/etc/ssl/certs/example-extra.pem');
  assert.deepEqual(await sup.call('deferred', command('env:NODE_EXTRA_CA_CERTS')), { tag: 'ok', value: '/etc/ssl/certs/example-extra.pem' });
  assert.deepEqual(await sup.call('deferred', command(`env:${DEFERRED_CA_CERTS_VAR}`)), { tag: 'ok', value: null });
  assert.equal(startEnvironment(sup.pidOf('explicit')!).get('NODE_EXTRA_CA_CERTS'), '/etc/ssl/certs/mine.pem');
});
