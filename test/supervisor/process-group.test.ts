/** The one process-group helper: signals reach grandchildren, zombies do not count as alive, ids ≤ 1 are refused. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import test from 'node:test';
import { groupAlive, groupMembers, groupOf, killGroup, signalGroup } from '../../supervisor/process-group.js';
import { waitFor } from '../helpers/loop-cli.js';

test('killGroup reaches a backgrounded grandchild, and the group then reads as gone', async (t) => {
  const child = spawn('sh', ['-c', 'sleep 600 & sleep 600'], { detached: true, stdio: 'ignore' });
  const pgid = child.pid!;
  t.after(() => killGroup(pgid));
  await waitFor('the shell and both sleeps', () => groupMembers(pgid).length === 3);
  assert.equal(groupOf(pgid), pgid);
  assert.equal(groupAlive(pgid), true);
  assert.equal(killGroup(pgid), true);
  await waitFor('the whole group to die', () => !groupAlive(pgid));
  assert.deepEqual(groupMembers(pgid).filter((m) => m.state !== 'Z'), []);
});

test('ids that would signal everything (≤ 1) or nothing real are refused without throwing', () => {
  for (const pgid of [0, 1, -5, 1.5, Number.NaN]) assert.equal(signalGroup(pgid, 0), false, String(pgid));
  assert.equal(signalGroup(2 ** 22 + 12345, 0), false);
  assert.equal(groupOf(2 ** 22 + 12345), null);
});
