/**
 * Signals to, and liveness of, an agent's process group (the agent runs with `detached: true`, so
 * its pid is the group id and every child it starts is in the group unless it calls setsid).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Sends `signal` to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nobody left; EPERM: not ours to signal
  }
}

/**
 * Whether any live process remains in the group. Zombies do not count: where pid 1 does not reap
 * orphans (some containers), a killed grandchild stays a zombie in the group forever, and
 * `kill(-pgid, 0)` would keep answering "alive". /proc tells them apart; elsewhere kill 0 decides.
 */
export function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return signalGroup(pgid, 0);
  }
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}

/** Live members of a group, as `pid state` pairs: for tests and diagnostics. */
export function groupMembers(pgid: number): Array<{ pid: number; state: string }> {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const members: Array<{ pid: number; state: string }> = [];
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid) members.push({ pid: Number(pid), state: stat.state });
  }
  return members;
}

/** `/proc/<pid>/stat` is "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses. */
function readStat(pid: string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited while we looked
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}
