/**
 * `--detach`: the supervisor runs as `loop run`/`loop resume` in a session of its own (setsid, via
 * spawn's `detached`), stdin closed and its output appended to `.loop/runs/<run>/supervisor.log`,
 * so closing the terminal (SIGHUP to its session) does not reach it. The caller returns once the
 * child has written run.json (its pid is in it), so `loop status`/`stop` work at once.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { whenFileExists } from '../util/follow-file.js';
import type { RunPaths } from '../util/paths.js';
import { configArg, type LoadedConfig } from '../config/load.js';
import { taskRoles } from './team.js';

const LOOP_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const LOG_TAIL_LINES = 20;

export const supervisorLog = (paths: RunPaths): string => join(paths.dir, 'supervisor.log');

export type Detached = { started: true; pid: number } | { started: false; exitCode: number; logTail: string };

/** Starts `loop <args> --detached` in the background and waits for it to come up (or fail). */
export function startDetached(args: readonly string[], paths: RunPaths, cwd: string): Promise<Detached> {
  const log = supervisorLog(paths);
  const fd = openSync(log, 'a');
  let child;
  try {
    child = spawn(process.execPath, [LOOP_MAIN, ...args, '--detached'], { cwd, detached: true, stdio: ['ignore', fd, fd], env: process.env });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid!;
  const stopWaiting = new AbortController();
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      stopWaiting.abort();
      const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
      resolve({ started: false, exitCode: code ?? (signal ? 5 : 1), logTail: lines.slice(-LOG_TAIL_LINES).join('\n') });
    });
    // run.json is rewritten atomically by the supervisor; wait for the one that names it
    const names = (text: string): boolean => {
      try {
        return (JSON.parse(text) as { pid?: unknown }).pid === pid;
      } catch {
        return false;
      }
    };
    void whenFileExists(paths.runJson, stopWaiting.signal, names).then((text) => {
      if (text === null) return;
      child.unref();
      child.removeAllListeners('exit');
      resolve({ started: true, pid });
    });
  });
}

/** `--tmux`/`--no-tmux` passed on to the background supervisor. */
export const tmuxFlag = (tmux: boolean | undefined): string[] => (tmux === undefined ? [] : [tmux ? '--tmux' : '--no-tmux']);

/** What `--detach` prints: the run id and the commands to watch and steer it; the child's exit code when it failed to come up. */
export function reportDetached(detached: Detached, runId: string, paths: RunPaths, loaded: LoadedConfig, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): number {
  if (!detached.started) {
    io.stderr.write(`${detached.logTail}\nloop: the background supervisor of run ${runId} stopped at once (exit ${detached.exitCode}); its log: ${supervisorLog(paths)}\n`);
    return detached.exitCode;
  }
  const config = configArg(loaded);
  const role = taskRoles(loaded.config)[0]?.name ?? '<role>';
  io.stdout.write([
    `run ${runId} is running in the background (supervisor pid ${detached.pid}); it keeps going when this terminal closes`,
    `  watch:   loop status${config} · loop attach ${role} --run ${runId}${config} · loop logs ${role} --run ${runId} --follow${config}`,
    `  log:     ${supervisorLog(paths)}`,
    `  stop:    loop stop ${runId}${config}   (then \`loop resume ${runId} --detach\` continues it)`,
    '',
  ].join('\n'));
  return 0;
}
