/**
 * After the supervisor was killed, its actors exit on their own (they watch the IPC channel), but
 * an agent whose actor was SIGKILLed at the same moment can survive. Actors, agents and the suites
 * they run carry LOOP_RUN_DIR (the run's folder) in their environment, so `loop resume` finds them
 * in /proc and kills their process groups. The folder, not the run's id: two repositories may each
 * have a run of the same name on one machine, and resuming one must not kill the other's agents.
 * Linux only; elsewhere it finds nothing.
 */
import { readFileSync } from 'node:fs';
import { groupOf, killGroup, procPids } from '../../supervisor/process-group.js';

export function findRunAgents(runDir: string): number[] {
  const marker = `LOOP_RUN_DIR=${runDir}\0`;
  const own = groupOf(process.pid);
  const groups = new Set<number>();
  for (const pid of procPids() ?? []) {
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

export function killRunAgents(runDir: string): number[] {
  const groups = findRunAgents(runDir);
  for (const pgid of groups) killGroup(pgid);
  return groups;
}
