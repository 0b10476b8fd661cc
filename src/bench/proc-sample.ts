/**
 * CPU and memory of a running `loop run` process tree, sampled from /proc (Linux): the supervisor
 * and its actor processes, each process's own CPU and peak resident memory (VmHWM). Reaped helpers
 * (git, test suites) count in their parent's children-CPU. Elsewhere every figure stays null.
 */
import { existsSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcessUse {
  /** CPU of the process itself, ms. */
  cpuMs: number;
  /** CPU of the children it reaped (git, test suites, agents), ms. */
  childrenCpuMs: number;
  peakRssMb: number;
}

export interface TreeUse {
  supervisor: ProcessUse | null;
  /** By pid: the actor processes (direct children of the supervisor). */
  actors: Map<number, ProcessUse>;
}

function readUse(pid: number): ProcessUse | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (i: number): number => (Number(fields[i]) * 1000) / TICKS_PER_SECOND;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuMs: ms(11) + ms(12), childrenCpuMs: ms(13) + ms(14), peakRssMb: hwm ? Number(hwm[1]) / 1024 : 0 };
  } catch {
    return null; // exited between the listing and the read
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const isActor = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('actors/entry.js');
  } catch {
    return false;
  }
};

/** Every figure only grows, so the larger of two readings is the later truth (a zombie reads as 0 MB). */
const latest = (before: ProcessUse | null | undefined, now: ProcessUse | null): ProcessUse | null => {
  if (!before || !now) return now ?? before ?? null;
  return { cpuMs: Math.max(before.cpuMs, now.cpuMs), childrenCpuMs: Math.max(before.childrenCpuMs, now.childrenCpuMs), peakRssMb: Math.max(before.peakRssMb, now.peakRssMb) };
};

/** Samples `pid`'s tree until `stop()`. */
export function sampleTree(pid: number, everyMs = 200): { stop(): TreeUse } {
  const use: TreeUse = { supervisor: null, actors: new Map() };
  if (!existsSync('/proc/self/stat')) return { stop: () => use };
  const sample = (): void => {
    use.supervisor = latest(use.supervisor, readUse(pid));
    for (const child of childrenOf(pid)) {
      if (!use.actors.has(child) && !isActor(child)) continue;
      const reading = latest(use.actors.get(child), readUse(child));
      if (reading) use.actors.set(child, reading);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return use;
    },
  };
}

/** CPU ms of the children this process has reaped so far (everything a finished child ran). */
export function reapedChildrenCpuMs(): number | null {
  const own = readUse(process.pid);
  return own === null ? null : own.childrenCpuMs;
}
