/**
 * `loop run` and `loop resume` with `loop.engine: nats`, end to end: the real CLI, its supervisor
 * and actors, sim agents, and a real nats-server with the config and nkeys `loop nats setup`
 * writes. Dispatch is still local IPC; the board is the run's JetStream stream plus its mirror.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBoard } from '../../src/board/store.js';
import { connectBoard, readBoardStream } from '../../src/nats/board-stream.js';
import { JetStreamBoardStore } from '../../src/nats/board-store.js';
import { boardEvents, processesOfRun, runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';
import { simTeamConfig, type SimTeamOptions } from '../helpers/sim-config.js';
import { tempDir } from '../helpers/temp.js';

function project(t: TestContext, server: NatsServer, options: SimTeamOptions): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(t, 'loop-nats-run-');
  const loop = { ...options.loop, engine: 'nats', nats: { url: server.url, nkey: server.setup.supervisorSeed } };
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ ...options, loop }));
  writeFileSync(join(dir, 'brief.md'), '# Brief\nA test project.\n');
  return { dir, env: { LOOP_HOME: join(dir, '.home') } };
}

/** A run's first events on a machine several test suites share: generous, it only bounds a hang. */
const STARTUP_MS = 90_000;
const ofType = (events: ReturnType<typeof boardEvents>, type: string) => events.filter((e) => e.type === type);
const eventsFile = (dir: string, runId: string): string => join(dir, '.loop/runs', runId, 'board/events.jsonl');

async function noProcessesLeft(runId: string): Promise<void> {
  await waitFor(`every process of run ${runId} to exit`, () => processesOfRun(runId).length === 0, 15_000);
}

/** The stream is the record and the mirror its copy: the same events, in the same order. */
async function assertMirrorIsStream(t: TestContext, server: NatsServer, dir: string, runId: string): Promise<void> {
  const board = await connectBoard(server.supervisor, runId, 'test');
  t.after(() => board.nc.close());
  const stream = await readBoardStream(board.js, board.jsm, runId);
  assert.deepEqual(stream.problems, []);
  assert.deepEqual(readBoard(eventsFile(dir, runId)).events, stream.events);
  const keys = stream.events.map((e) => e.key);
  assert.equal(new Set(keys).size, keys.length, 'no append was stored twice');
}

function assertEachMergedOnce(events: ReturnType<typeof boardEvents>, ids: string[]): void {
  assert.equal(ofType(events, 'task.created').length, ids.length, 'no task was planned twice');
  for (const id of ids) assert.equal(ofType(events, 'task.merged').filter((e) => e['taskId'] === id).length, 1, `${id} merged exactly once`);
}

test('a sim run on the nats engine merges every task; the stream holds the board and the mirror equals it', async (t) => {
  const server = await startNatsServer(t);
  const { dir, env } = project(t, server, { roles: ['architect', 'backend', 'frontend'], tasksPerRole: 3, sim: { latencyMs: 10, jitterMs: 20 }, loop: { maxParallel: 4 } });
  const result = await runLoop(['run', 'build it: api, ui and the plan', '--run', 'nats-e2e'], { cwd: dir, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /9\/9 merged/);
  assertEachMergedOnce(boardEvents(dir, 'nats-e2e'), Array.from({ length: 9 }, (_, i) => `t${i + 1}`));
  await assertMirrorIsStream(t, server, dir, 'nats-e2e');
  await noProcessesLeft('nats-e2e');

  // The run id is taken on the server now, also for a project on another machine (another folder here).
  const other = tempDir(t, 'loop-nats-other-');
  cpSync(join(dir, 'loop.config.yaml'), join(other, 'loop.config.yaml'));
  const again = await runLoop(['run', 'again', '--run', 'nats-e2e'], { cwd: other, env, t });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^loop: run nats-e2e already exists on the NATS server at nats:\/\/127\.0\.0\.1:\d+ \(stream BOARD_nats-e2e, \d+ events\); continue it with `loop resume nats-e2e`/m);
});

test('kill -9 of the supervisor, its mirror gone too: loop resume rebuilds the board from the stream and finishes each task once', async (t) => {
  const server = await startNatsServer(t);
  const { dir, env } = project(t, server, { roles: ['backend', 'frontend'], tasksPerRole: 2, sim: { latencyMs: 700 } });
  const run = startLoop(['run', 'four things', '--run', 'nats-phoenix'], { cwd: dir, env, t });
  await waitFor('one merge and more work in flight', () => {
    const events = boardEvents(dir, 'nats-phoenix');
    const merged = ofType(events, 'task.merged').length;
    return merged >= 1 && merged < 4 && ofType(events, 'attempt.started').length > merged;
  }, STARTUP_MS);
  run.child.kill('SIGKILL');
  await run.done;
  await noProcessesLeft('nats-phoenix');
  const before = readBoard(eventsFile(dir, 'nats-phoenix')).events.length;
  rmSync(eventsFile(dir, 'nats-phoenix'));

  const resumed = await runLoop(['resume', 'nats-phoenix'], { cwd: dir, env, t });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`loop: copied ${before} event\\(s\\) from the server into \\S+events\\.jsonl`));
  const events = boardEvents(dir, 'nats-phoenix');
  assert.equal(ofType(events, 'run.resumed').length, 1);
  assertEachMergedOnce(events, ['t1', 't2', 't3', 't4']);
  await assertMirrorIsStream(t, server, dir, 'nats-phoenix');
  await noProcessesLeft('nats-phoenix');
});

test('a second supervisor on a running run is refused; a writer the first one never saw fences it: one line, exit 2', async (t) => {
  const server = await startNatsServer(t);
  const { dir, env } = project(t, server, { roles: ['backend'], tasksPerRole: 2, sim: { latencyMs: 8000 } });
  const first = startLoop(['run', 'two slow things', '--run', 'nats-twice'], { cwd: dir, env, t });
  await waitFor('an attempt in flight', () => ofType(boardEvents(dir, 'nats-twice'), 'attempt.started').length > 0, STARTUP_MS);

  // Another machine (another folder, no run.json) tries to resume the same run.
  const other = tempDir(t, 'loop-nats-other-');
  cpSync(join(dir, 'loop.config.yaml'), join(other, 'loop.config.yaml'));
  writeFileSync(join(other, 'brief.md'), '# Brief\n');
  const second = await runLoop(['resume', 'nats-twice'], { cwd: other, env, t });
  assert.equal(second.code, 2, second.stdout + second.stderr);
  assert.match(second.stderr, new RegExp(`^loop: run nats-twice is being driven by the supervisor on \\S+ \\(pid ${first.child.pid}, since [^)]+\\), connected to nats://127\\.0\\.0\\.1:\\d+; only one supervisor may drive a run`, 'm'));
  assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);

  // A writer cut off from the first supervisor (so it could not be asked) appends anyway: the
  // first supervisor's next append finds the stream moved on and it stops at once.
  const stale = await JetStreamBoardStore.open({ runId: 'nats-twice', nats: server.supervisor, eventsFile: join(other, 'events.jsonl'), costsFile: join(other, 'costs.jsonl') });
  const theirs = await stale.append({ type: 'run.note', level: 'info', message: 'a partitioned supervisor' }, 'stale-1');
  await stale.close();
  const result = await first.done;
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, new RegExp(`^loop: another supervisor wrote event ${theirs.seq} \\(run\\.note\\) of run nats-twice's board on nats://\\S+; this one stops so that only one drives the run`));
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.ok(!readFileSync(eventsFile(dir, 'nats-twice'), 'utf8').includes('stale-1'), 'the fenced supervisor never mirrors the other writer\'s event');
  await noProcessesLeft('nats-twice');
});

test('kill -9 of the board actor on the nats engine: the restarted actor reconciles and the run finishes with each task once', async (t) => {
  const server = await startNatsServer(t);
  const { dir, env } = project(t, server, { roles: ['backend', 'frontend'], tasksPerRole: 2, sim: { latencyMs: 1500 } });
  const run = startLoop(['run', 'four things', '--run', 'nats-boardkill'], { cwd: dir, env, t });
  await waitFor('an attempt in flight', () => ofType(boardEvents(dir, 'nats-boardkill'), 'attempt.started').length > 0, STARTUP_MS);
  const board = ofType(boardEvents(dir, 'nats-boardkill'), 'actor.started').find((e) => e['actor'] === 'board')!;
  process.kill(board['pid'] as number, 'SIGKILL');
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'nats-boardkill');
  assert.ok(ofType(events, 'actor.crashed').some((e) => e['actor'] === 'board'));
  assertEachMergedOnce(events, ['t1', 't2', 't3', 't4']);
  await assertMirrorIsStream(t, server, dir, 'nats-boardkill');
  await noProcessesLeft('nats-boardkill');
});

test('the server restarts in the middle of a run: appends wait for it and the run finishes', async (t) => {
  const server = await startNatsServer(t);
  const { dir, env } = project(t, server, { roles: ['backend', 'frontend'], tasksPerRole: 2, sim: { latencyMs: 1500 } });
  const run = startLoop(['run', 'four things', '--run', 'nats-blip'], { cwd: dir, env, t });
  await waitFor('an attempt in flight', () => ofType(boardEvents(dir, 'nats-blip'), 'attempt.started').length > 0, STARTUP_MS);
  await server.restart('SIGKILL');
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assertEachMergedOnce(boardEvents(dir, 'nats-blip'), ['t1', 't2', 't3', 't4']);
  await assertMirrorIsStream(t, server, dir, 'nats-blip');
  await noProcessesLeft('nats-blip');
});
