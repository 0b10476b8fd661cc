/**
 * The `nats` engine of a run: the supervisor process connects, makes sure no other supervisor
 * answers for the run, refuses a new run whose id is taken on the server or brings a resumed run's
 * mirror up to date with the stream, then holds the connection for the whole run and answers
 * "who drives this run?" on it (src/nats/presence.ts).
 */
import { existsSync } from 'node:fs';
import { BoardFencedError } from '../../actors/board.js';
import { formatBoardProblem } from '../board/store.js';
import type { OpenEngineOptions, RunEngine } from '../run/engine.js';
import { UserError } from '../util/errors.js';
import { boardStreamInfo, connectBoard, openBoardStream, type BoardConnection } from './board-stream.js';
import { resolveNatsSettings } from './settings.js';
import { describeSync, syncMirror } from './mirror.js';
import { boardStream } from './names.js';
import { answerAsSupervisor, askSupervisor } from './presence.js';
import { SERVER_WAIT_MS } from './publish.js';
import type { RemoteActors } from './remote-actors.js';

export async function openNatsEngine(o: OpenEngineOptions): Promise<RunEngine> {
  const loop = o.loaded.config.loop;
  if (loop.nats === undefined) throw new UserError(`${o.loaded.file}: loop.engine is nats but loop.nats is missing; add loop.nats.url (and nkey), see \`loop nats setup\``);
  const nats = resolveNatsSettings(loop.nats, o.loaded.dir);
  const board = await connectBoard(nats, o.runId, `loop supervisor ${o.runId}`);
  let remote: RemoteActors | null = null;
  try {
    await claimRun(board);
    if (o.purpose === 'new') await refuseExistingRun(board);
    else await bringMirrorUpToDate(board, o);
    answerAsSupervisor(board.nc, o.runId, Date.now());
    if (loop.nats.dispatch === 'workers') {
      const { openRemoteActors } = await import('./remote-actors.js');
      remote = await openRemoteActors(board.nc, board.jsm, {
        runId: o.runId, roles: o.loaded.config.roles.map((role) => role.name), repositories: o.loaded.repositories.map((repo) => repo.name),
        leaseSeconds: loop.nats.leaseSeconds, remote: loop.nats.remote,
      });
    }
  } catch (error) {
    await board.nc.close();
    if (error instanceof BoardFencedError) throw new UserError(error.message);
    throw error;
  }
  return {
    kind: 'nats',
    board: { eventsFile: o.paths.events, costsFile: o.paths.costs, jetstream: { runId: o.runId, nats } },
    actorPort: (local, workspaces) => remote?.port(local, workspaces) ?? local,
    // Idempotent: a detaching command lets go of the run before its own cleanup closes it again.
    close: async () => {
      await remote?.close();
      remote = null;
      if (!board.nc.isClosed()) await board.nc.close();
    },
  };
}

/** Refuses when another supervisor answers for this run. */
async function claimRun(board: BoardConnection): Promise<void> {
  const answer = await askSupervisor(board.nc, board.runId);
  if (answer.state === 'running') {
    const { pid, host, since } = answer.supervisor;
    throw new UserError(`run ${board.runId} is being driven by the supervisor on ${host} (pid ${pid}, since ${new Date(since).toISOString()}), connected to ${board.url}; only one supervisor may drive a run — stop that one first`);
  }
  if (answer.state === 'silent') {
    throw new UserError(`a supervisor of run ${board.runId} is still connected to ${board.url} but does not answer; if it was killed, the server drops its connection within a few minutes — try again then`);
  }
}

async function refuseExistingRun(board: BoardConnection): Promise<void> {
  const info = await boardStreamInfo(board.jsm, board.runId);
  if (info !== null && info.state.messages > 0) {
    throw new UserError(`run ${board.runId} already exists on the NATS server at ${board.url} (stream ${boardStream(board.runId)}, ${info.state.messages} events); continue it with \`loop resume ${board.runId}\` or pick another --run`);
  }
}

/** The stream is the order of record: the mirror gets what it lacks, the stream what the server lost. */
async function bringMirrorUpToDate(board: BoardConnection, o: OpenEngineOptions): Promise<void> {
  const info = await boardStreamInfo(board.jsm, board.runId);
  if (info === null && !existsSync(o.paths.events)) return; // no such run anywhere: `loop resume` says so
  await openBoardStream(board.jsm, board.runId);
  const sync = await syncMirror(board, { eventsFile: o.paths.events, costsFile: o.paths.costs }, Date.now() + SERVER_WAIT_MS);
  sync.files.close();
  for (const problem of sync.problems.filter((p) => p.file.startsWith('nats:'))) o.say(`loop: ${formatBoardProblem(problem)}`);
  const note = describeSync(board.runId, board.url, sync, o.paths.events);
  if (note) o.say(`loop: ${note}`);
}
