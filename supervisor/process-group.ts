/**
 * Process groups, in one place: everything loop starts (actors, agent CLIs, test suites, git and
 * helper commands) runs as the leader of its own group, so one `kill(-pgid)` reaches it and every
 * grandchild it left. Liveness and membership are read from /proc (Linux), where zombies can be
 * told apart from live processes.
 */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Signals every process of a group. False when the group no longer exists (ESRCH) or is not ours
 * (EPERM). Ids ≤ 1 are refused: `kill(-1)` would signal every process the user owns.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}

/** SIGKILL to the whole group; false when it was already gone. */
export const killGroup = (pgid: number): boolean => signalGroup(pgid, 'SIGKILL');

/** `/proc/<pid>/stat` is "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses. */
function readStat(pid: number | string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined; // exited while we looked, or no /proc
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}

/** The process group of a pid; null when it is gone (or there is no /proc). */
export function groupOf(pid: number | string): number | null {
  const pgrp = readStat(pid)?.pgrp;
  return pgrp !== undefined && Number.isInteger(pgrp) ? pgrp : null;
}

/** Whether this process leads its own process group. */
export const leadsOwnGroup = (): boolean => groupOf(process.pid) === process.pid;

/** Every pid in /proc; null where there is no /proc. */
export function procPids(): string[] | null {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
}

/** Members of a group as `pid state` pairs (zombies included, state `Z`): for tests and diagnostics. */
export function groupMembers(pgid: number): Array<{ pid: number; state: string }> {
  const members: Array<{ pid: number; state: string }> = [];
  for (const pid of procPids() ?? []) {
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid) members.push({ pid: Number(pid), state: stat.state });
  }
  return members;
}

/**
 * Whether any live process remains in the group. Zombies do not count: where pid 1 does not reap
 * orphans (some containers), a killed grandchild stays a zombie in the group forever, and
 * `kill(-pgid, 0)` would keep answering "alive". Without /proc, kill 0 decides.
 */
export function groupAlive(pgid: number): boolean {
  const pids = procPids();
  if (pids === null) return signalGroup(pgid, 0);
  return groupMembers(pgid).some((member) => member.state !== 'Z' && member.state !== 'X');
}
