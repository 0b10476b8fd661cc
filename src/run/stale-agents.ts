/**
 * After the supervisor was killed, its actors exit on their own (they watch the IPC channel), but
 * an agent whose actor was SIGKILLed at the same moment can survive. Agents carry LOOP_RUN_ID in
 * their environment, so `loop resume` finds them in /proc and kills their process groups.
 * Linux only; elsewhere it finds nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function findRunAgents(runId: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const marker = `LOOP_RUN_ID=${runId}\0`;
  const own = groupOf(String(process.pid));
  const groups = new Set<number>();
  for (const pid of entries) {
    if (Number(pid) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!`${environ}\0`.includes(marker)) continue;
      const pgrp = groupOf(pid);
      if (pgrp !== null && pgrp > 1 && pgrp !== own) groups.add(pgrp);
    } catch {
      // the process exited meanwhile, or is not ours to read
    }
  }
  return [...groups];
}

function groupOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the parenthesised command name: state ppid pgrp ...
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return Number.isInteger(pgrp) ? pgrp : null;
  } catch {
    return null;
  }
}

export function killRunAgents(runId: string): number[] {
  const groups = findRunAgents(runId);
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return groups;
}
