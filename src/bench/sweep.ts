/**
 * `loop bench`'s sweep: for each maxParallel, a fresh generated repository and a real
 * `loop run --execute` of the plan on sim agents (a child process, as a user would run it), sampled
 * for CPU and memory while it runs, then measured from its board and suite counter.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBoard } from '../board/store.js';
import { measureRun, type BenchEvent, type RunFigures } from './measure.js';
import type { SweepSettings } from './options.js';
import { reapedChildrenCpuMs, sampleTree } from './proc-sample.js';
import { generateWorkload } from './workload.js';

const LOOP_BIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const RUN_ID = 'bench';

export interface ResourceFigures {
  /** CPU of the whole run (supervisor, actors, git, tests), ms; null off Linux. */
  totalCpuMs: number | null;
  supervisorCpuMs: number | null;
  actorsCpuMs: number | null;
  /** Busy share of the machine's cores while `loop run` ran. */
  cpuBusy: number | null;
  supervisorPeakRssMb: number | null;
  actorPeakRssMb: number | null;
  actorsPeakRssMb: number | null;
}

export interface SettingResult extends RunFigures {
  parallel: number;
  exitCode: number | null;
  resources: ResourceFigures;
}

export async function runSetting(settings: SweepSettings, parallel: number, scratch: string, cores: number, onProgress: (merged: number) => void): Promise<SettingResult> {
  const dir = join(scratch, `parallel-${parallel}`);
  mkdirSync(dir, { recursive: true });
  const workload = generateWorkload(dir, settings, parallel, join(dir, 'suite-runs.log'));
  const events = join(workload.repo, '.loop', 'runs', RUN_ID, 'board', 'events.jsonl');
  const cpuBefore = reapedChildrenCpuMs();
  const started = performance.now();
  const child = spawn(process.execPath, [LOOP_BIN, 'run', `bench at maxParallel ${parallel}`, '--execute', '--yes', '--plan', workload.planFile, '--run', RUN_ID], {
    cwd: workload.repo,
    env: { ...process.env, LOOP_HOME: join(dir, 'home'), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const sampler = child.pid === undefined ? null : sampleTree(child.pid);
  const progress = setInterval(() => onProgress(countMerged(events)), 250);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const wallMs = performance.now() - started;
  clearInterval(progress);
  const tree = sampler?.stop() ?? null;
  const cpuAfter = reapedChildrenCpuMs();
  if (!existsSync(events)) throw new Error(`loop run at maxParallel ${parallel} wrote no board (exit ${exitCode}):\n${output}`);
  const board = readBoard(events).events as unknown as BenchEvent[];
  const suiteRuns = existsSync(workload.suiteLog) ? readFileSync(workload.suiteLog, 'utf8').split('\n').filter(Boolean).length : 0;
  const figures = measureRun(board, parallel, suiteRuns);
  onProgress(figures.merged);
  if (exitCode !== 0) throw new Error(`loop run at maxParallel ${parallel} exited ${exitCode}:\n${output.slice(-4000)}`);
  const actors = tree ? [...tree.actors.values()] : [];
  const totalCpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  const resources: ResourceFigures = {
    totalCpuMs,
    supervisorCpuMs: tree?.supervisor?.cpuMs ?? null,
    actorsCpuMs: tree ? actors.reduce((sum, a) => sum + a.cpuMs, 0) : null,
    cpuBusy: totalCpuMs === null ? null : totalCpuMs / (wallMs * cores),
    supervisorPeakRssMb: tree?.supervisor?.peakRssMb ?? null,
    actorPeakRssMb: actors.length > 0 ? Math.max(...actors.map((a) => a.peakRssMb)) : null,
    actorsPeakRssMb: actors.length > 0 ? actors.reduce((sum, a) => sum + a.peakRssMb, 0) : null,
  };
  // The setting's folder stays until the sweep ends (the caller removes `scratch`): on ext4 without a
  // journal, files created within a minute of mass deletions are several times slower to make
  // (research/machine-limits.md §1), so deleting here would slow the next setting's checkouts.
  return { parallel, exitCode, resources, ...figures };
}

function countMerged(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('"type":"task.merged"').length - 1;
  } catch {
    return 0;
  }
}
