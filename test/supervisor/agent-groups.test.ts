/** No orphans: agent process groups an actor adopted die with it, whoever kills it, even the supervisor's own death. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { killGroup } from '../../supervisor/process-group.js';
import { command, groupGone, processAlive, supervise, waitUntil, worker } from './helpers.js';

const DRIVER = fileURLToPath(new URL('./driver.js', import.meta.url));

async function adopt(sup: { call: (id: string, body: ReturnType<typeof command>) => Promise<unknown> }, id: string): Promise<number> {
  const result = await sup.call(id, command('adopt')) as { tag: string; value: { pid: number } };
  assert.equal(result.tag, 'ok');
  return result.value.pid;
}

test('when a worker that adopted an agent group is kill -9\'d from outside, the supervisor kills the agent group', async (t) => {
  const { sup, rec } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  const agent = await adopt(sup, 'a');
  assert.equal(groupGone(agent), false, 'the agent runs while its actor does');
  process.kill(sup.pidOf('a')!, 'SIGKILL'); // only the actor: its agent is in a group of its own
  await rec.waitFor((e) => e.type === 'child-exited');
  await waitUntil(() => groupGone(agent), 5_000, `agent group ${agent} gone`);
  await rec.waitFor((e) => e.type === 'child-started' && e.restarts === 1);
});

test('stop() leaves no agent group behind when the actor shuts down cleanly', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a', { adoptOnStart: true })] });
  const agents: number[] = [];
  sup.on((e) => { if (e.type === 'frame' && e.body.type === 'progress' && e.body.note === 'agent-started') agents.push(e.body.pid!); });
  await sup.start();
  await adopt(sup, 'a');
  await sup.stop();
  assert.equal(agents.length, 2);
  for (const pgid of agents) await waitUntil(() => groupGone(pgid), 5_000, `agent group ${pgid} gone`);
});

test('stop() SIGKILLs the agent groups of an actor that ignores shutdown', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a', { ignoreShutdown: true }, { shutdownMs: 200 })] });
  await sup.start();
  const agent = await adopt(sup, 'a');
  await sup.stop();
  await waitUntil(() => groupGone(agent), 5_000, `agent group ${agent} gone`);
});

test('a released agent group is no longer the actor\'s to kill', async (t) => {
  const { sup } = supervise(t, { type: 'supervisor', id: 'root', children: [worker('a')] });
  await sup.start();
  const result = await sup.call('a', command('adopt-then-release')) as { value: { pid: number } };
  const released = result.value.pid;
  await sup.stop();
  const survived = processAlive(released);
  killGroup(released);
  await waitUntil(() => groupGone(released), 5_000, 'released group cleaned up by the test');
  assert.equal(survived, true, 'agent-exited made the supervisor forget the group');
});

test('when the supervisor process itself is SIGKILLed, its actors and their agent groups exit on their own', async (t) => {
  const driver = spawn(process.execPath, [DRIVER, '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pids: { actors: number[]; agents: number[] } = { actors: [], agents: [] };
  t.after(() => {
    driver.kill('SIGKILL');
    for (const pid of [...pids.actors, ...pids.agents]) killGroup(pid);
  });
  const exitedEarly = once(driver, 'exit').then(([code]) => { throw new Error(`driver exited early with code ${String(code)}`); });
  const [line] = await Promise.race([once(createInterface({ input: driver.stdout }), 'line') as Promise<[string]>, exitedEarly]);
  exitedEarly.catch(() => undefined);
  pids = JSON.parse(line) as typeof pids;
  assert.equal(pids.actors.length, 2);
  assert.equal(pids.agents.length, 2);
  assert.ok([...pids.actors, ...pids.agents].every(processAlive));
  driver.kill('SIGKILL');
  await once(driver, 'exit');
  await waitUntil(() => pids.actors.every((pid) => !processAlive(pid)), 10_000, 'actors exited');
  await waitUntil(() => pids.agents.every(groupGone), 10_000, 'agent groups gone');
});
